/**
 * A chunk of sweep rows as one Parquet row group, encoded in the worker that costed it: the
 * columns become an Arrow record batch (typed arrays handed over as they are), parquet-wasm
 * (arrow-rs) encodes it, and the row group's bytes and metadata go back to the main thread,
 * which only appends them (parquetFile.ts). Integers are int64, floats double, and the string
 * columns (network, array, model) dictionary-encoded, as Arrow dictionaries.
 */

import {
  Table as ArrowTable,
  Dictionary,
  Float64,
  Int32,
  Int64,
  makeData,
  makeVector,
  type Table,
  tableToIPC,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import { type FileMetaData, parquetMetadata, type RowGroup, type SchemaElement } from "hyparquet";
import {
  Compression,
  EnabledStatistics,
  Table as ParquetTable,
  WriterPropertiesBuilder,
  writeParquet,
} from "parquet-wasm";
import { runtimeMsOf } from "../engine/network.js";
import { type FileColumn, fileColumns, type RowColumns, sweepAxes } from "./columns.js";
import { networkName, type SweepSpec } from "./grid.js";
import { shiftOffsets } from "./parquetFile.js";

/** A row group ready to append: offsets in `rowGroup` count from the first byte of `bytes`. */
export interface EncodedRowGroup {
  bytes: Uint8Array;
  rowGroup: RowGroup;
  schema: SchemaElement[];
  /** key-value metadata parquet-wasm writes (the Arrow schema, so Arrow readers get dictionaries back) */
  keyValueMetadata: FileMetaData["key_value_metadata"];
}

/**
 * LZ4 (cheap beside the engine, halves the file), dictionaries for the three string columns
 * only, and min/max statistics only where a reader prunes row groups by them: the row index and
 * the family axes. Measured on 65,536-row chunks, one thread: a numeric column costs ~0.3 ms
 * plain, ~0.8 ms with LZ4, ~1.6 ms with LZ4 and statistics; a dictionary string ~5 ms.
 */
function writerProperties(statisticsColumns: string[]) {
  let builder = new WriterPropertiesBuilder()
    .setCompression(Compression.LZ4_RAW)
    .setDictionaryEnabled(false)
    .setColumnDictionaryEnabled("network", true)
    .setColumnDictionaryEnabled("array", true)
    .setColumnDictionaryEnabled("model", true)
    .setStatisticsEnabled(EnabledStatistics.None)
    .setMaxRowGroupSize(2 ** 31 - 1)
    .setCreatedBy("uboost sweep");
  for (const column of statisticsColumns) {
    builder = builder.setColumnStatisticsEnabled(column, EnabledStatistics.Chunk);
  }
  return builder.build();
}

/** An encoder for one sweep's chunks (its string dictionaries are built once). */
export function parquetRowGroupEncoder(spec: SweepSpec): (rows: RowColumns) => EncodedRowGroup {
  const columns = fileColumns(spec);
  const networkNames = vectorFromArray(spec.networks.map(networkName), new Utf8());
  const arrayNames = vectorFromArray(
    spec.arrays.map(({ rows, cols }) => `${rows}x${cols}`),
    new Utf8(),
  );
  const modelName = vectorFromArray([spec.model], new Utf8());
  return (rows) => {
    const table = arrowTable(spec, columns, rows, { networkNames, arrayNames, modelName });
    const file = writeParquet(
      ParquetTable.fromIPCStream(tableToIPC(table, "stream")),
      writerProperties(["row", ...sweepAxes(spec)]),
    );
    return rowGroupOf(file);
  };
}

interface Dictionaries {
  networkNames: Vector<Utf8>;
  arrayNames: Vector<Utf8>;
  modelName: Vector<Utf8>;
}

function arrowTable(
  spec: SweepSpec,
  columns: FileColumn[],
  rows: RowColumns,
  names: Dictionaries,
): Table {
  const n = rows.count;
  const int64 = (value: (i: number) => number) => int64Vector(n, value);
  const double = (values: Float64Array, nullable: boolean) => doubleVector(values, nullable);
  const { clockHz } = spec.hardware;
  const runtime = new Float64Array(n);
  for (let i = 0; i < n; i++) runtime[i] = runtimeMsOf(rows.cycles[i], clockHz);
  const batchSizes = spec.batches;
  const arrays = spec.arrays;
  const vectors: Record<string, Vector> = {
    row: int64((i) => rows.start + i),
    network: dictionaryVector(rows.network, names.networkNames),
    array: dictionaryVector(rows.array, names.arrayNames),
    rows: int64((i) => arrays[rows.array[i]].rows),
    cols: int64((i) => arrays[rows.array[i]].cols),
    batch: int64((i) => batchSizes[rows.batch[i]]),
    model: dictionaryVector(new Int32Array(n), names.modelName),
    macs: int64((i) => rows.macs[i]),
    runtimeMs: double(runtime, false),
    util: double(rows.util, false),
    smoothUtil: double(rows.smoothUtil, true),
  };
  const cyclesInt = columns.find((column) => column.name === "cycles")?.type === "int64";
  vectors.cycles = cyclesInt ? int64((i) => rows.cycles[i]) : double(rows.cycles, false);
  sweepAxes(spec).forEach((axis, a) => {
    vectors[axis] = int64Vector(n, (i) => rows.axes[a][i], rows.axes[a]);
  });
  const ordered: Record<string, Vector> = {};
  for (const column of columns) ordered[column.name] = vectors[column.name];
  return new ArrowTable(ordered);
}

/**
 * Int64 without a BigInt per value: each value's low and high 32-bit words go straight into
 * the BigInt64Array's buffer. Values are whole and below 2^53; `nullsFrom` marks NaN as null.
 */
function int64Vector(n: number, value: (i: number) => number, nullsFrom?: Float64Array): Vector {
  const words = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const v = value(i);
    if (Number.isNaN(v)) continue;
    words[2 * i] = v >>> 0;
    words[2 * i + 1] = Math.floor(v / 4294967296);
  }
  const data = new BigInt64Array(words.buffer);
  const nulls = nullsFrom === undefined ? undefined : validity(nullsFrom);
  return makeVector(makeData({ type: new Int64(), length: n, data, ...nulls }));
}

function doubleVector(values: Float64Array, nullable: boolean): Vector {
  const nulls = nullable ? validity(values) : undefined;
  return makeVector(
    makeData({ type: new Float64(), length: values.length, data: values, ...nulls }),
  );
}

function dictionaryVector(keys: Int32Array, dictionary: Vector<Utf8>): Vector {
  const type = new Dictionary(new Utf8(), new Int32());
  return makeVector(makeData({ type, length: keys.length, data: keys, dictionary }));
}

/** Arrow's validity bitmap of the non-NaN values, or nothing when none is NaN. */
function validity(values: Float64Array): { nullBitmap: Uint8Array; nullCount: number } | undefined {
  let nullCount = 0;
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) nullCount++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  }
  return nullCount === 0 ? undefined : { nullBitmap: bitmap, nullCount };
}

/** The one row group of a Parquet file parquet-wasm wrote: its bytes between "PAR1" and the footer. */
function rowGroupOf(file: Uint8Array): EncodedRowGroup {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const footerLength = view.getUint32(file.byteLength - 8, true);
  const footerStart = file.byteLength - 8 - footerLength;
  const metadata = parquetMetadata(
    file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer,
  );
  if (metadata.row_groups.length !== 1) throw new Error("sweep: expected one row group a chunk");
  const [rowGroup] = metadata.row_groups;
  shiftOffsets(rowGroup, -4);
  // every chunk's file numbers its group 0; the combined file's footer leaves ordinals out
  delete rowGroup.ordinal;
  return {
    bytes: file.slice(4, footerStart),
    rowGroup,
    schema: metadata.schema,
    keyValueMetadata: metadata.key_value_metadata,
  };
}
