/**
 * A chunk of sweep rows as one Parquet row group, encoded in the worker that costed it straight
 * from its typed-array columns; the row group's bytes and metadata go back to the main thread,
 * which only appends them (parquetFile.ts). hyparquet-writer writes the page headers, the
 * dictionary pages and the RLE/bit-packed levels and indexes; a numeric page's values are PLAIN,
 * which for int64 and double is the values' little-endian bytes, so they are copied from the
 * columns as they are, not appended value by value.
 *
 * Integers are int64, floats double. Strings (network, array, model) and the integers a grid
 * index picks (rows, cols, batch) are dictionary-encoded with the grid's own index as the key,
 * so a chunk never hashes a value. No compression: measured on 65,536-row chunks, LZ4 through
 * parquet-wasm cost ~0.5 ms a column, as much as costing the rows, to shrink a file that is
 * read once; a reader that wants it smaller rewrites it.
 */
import { endianness } from "node:os";
import type { ColumnChunk, RowGroup, SchemaElement } from "hyparquet";
import { ByteWriter } from "hyparquet-writer";
import { writePageHeader } from "hyparquet-writer/src/datapage.js";
import { writeDictionaryPage } from "hyparquet-writer/src/dictionary.js";
import { writeRleBitPackedHybrid } from "hyparquet-writer/src/encoding.js";
import { runtimeMsOf } from "../engine/network.js";
import { type FileColumn, fileColumns, type RowColumns, sweepAxes } from "./columns.js";
import { networkName, type SweepSpec } from "./grid.js";

/** A row group ready to append: offsets in `rowGroup` count from the first byte of `bytes`. */
export interface EncodedRowGroup {
  bytes: Uint8Array;
  rowGroup: RowGroup;
  schema: SchemaElement[];
}

// PLAIN int64 and double are little-endian; typed arrays are in the machine's order.
if (endianness() !== "LE") throw new Error("sweep: Parquet output needs a little-endian machine");

/** Where a column's values come from in a chunk's columns. */
type ColumnSource =
  /**
   * keys into `dictionary` (strings or int64s), one a row; `windowed`: a row group's dictionary
   * is only the span of keys it uses (a space's sweep names thousands of networks, a chunk few)
   */
  | {
      kind: "dictionary";
      dictionary: string[] | bigint[];
      keys: (rows: RowColumns) => Int32Array;
      windowed?: boolean;
    }
  | { kind: "int64"; values: (rows: RowColumns) => Float64Array; statistics: boolean }
  | { kind: "double"; values: (rows: RowColumns) => Float64Array };

/** An encoder for one sweep's chunks. */
export function parquetRowGroupEncoder(spec: SweepSpec): (rows: RowColumns) => EncodedRowGroup {
  const columns = fileColumns(spec);
  const schema = parquetSchema(columns);
  const sources = columnSources(spec, columns);
  return (rows) => {
    const writer = new ByteWriter(chunkBytesBound(rows.count, sources, columns));
    const chunks = columns.map((column, i) =>
      writeColumnChunk(writer, column, schema[i + 1], sources[i], rows),
    );
    const bytes = writer.getBytes();
    const rowGroup: RowGroup = {
      columns: chunks,
      total_byte_size: BigInt(bytes.length),
      num_rows: BigInt(rows.count),
      total_compressed_size: BigInt(bytes.length),
    };
    return { bytes, rowGroup, schema };
  };
}

function parquetSchema(columns: FileColumn[]): SchemaElement[] {
  return [
    { name: "root", num_children: columns.length },
    ...columns.map(
      ({ name, type, nullable }): SchemaElement => ({
        name,
        type: type === "string" ? "BYTE_ARRAY" : type === "int64" ? "INT64" : "DOUBLE",
        repetition_type: nullable ? "OPTIONAL" : "REQUIRED",
        ...(type === "string" ? { converted_type: "UTF8" } : {}),
      }),
    ),
  ];
}

function columnSources(spec: SweepSpec, columns: FileColumn[]): ColumnSource[] {
  const axes = sweepAxes(spec);
  const { clockHz } = spec.hardware;
  let runtime = new Float64Array(0);
  let zeros = new Int32Array(0);
  const int64s = (values: number[]) => values.map((value) => BigInt(value));
  const byName: Record<string, ColumnSource> = {
    row: { kind: "int64", values: rowIndices(), statistics: true },
    network: {
      kind: "dictionary",
      dictionary: spec.networks.map(networkName),
      keys: (rows) => rows.network,
      windowed: true,
    },
    array: {
      kind: "dictionary",
      dictionary: spec.arrays.map(({ rows, cols }) => `${rows}x${cols}`),
      keys: (rows) => rows.array,
    },
    rows: {
      kind: "dictionary",
      dictionary: int64s(spec.arrays.map((shape) => shape.rows)),
      keys: (rows) => rows.array,
    },
    cols: {
      kind: "dictionary",
      dictionary: int64s(spec.arrays.map((shape) => shape.cols)),
      keys: (rows) => rows.array,
    },
    batch: { kind: "dictionary", dictionary: int64s(spec.batches), keys: (rows) => rows.batch },
    model: {
      kind: "dictionary",
      dictionary: [spec.model],
      keys: (rows) => {
        if (zeros.length < rows.count) zeros = new Int32Array(rows.count);
        return zeros.subarray(0, rows.count);
      },
    },
    macs: { kind: "int64", values: (rows) => rows.macs, statistics: false },
    runtimeMs: {
      kind: "double",
      values: (rows) => {
        if (runtime.length < rows.count) runtime = new Float64Array(rows.count);
        for (let i = 0; i < rows.count; i++) runtime[i] = runtimeMsOf(rows.cycles[i], clockHz);
        return runtime.subarray(0, rows.count);
      },
    },
    util: { kind: "double", values: (rows) => rows.util },
    smoothUtil: { kind: "double", values: (rows) => rows.smoothUtil },
  };
  axes.forEach((axis, a) => {
    byName[axis] = { kind: "int64", values: (rows) => rows.axes[a], statistics: true };
  });
  return columns.map((column) => {
    if (column.name === "cycles") {
      return column.type === "int64"
        ? { kind: "int64", values: (rows) => rows.cycles, statistics: false }
        : { kind: "double", values: (rows) => rows.cycles };
    }
    return byName[column.name];
  });
}

/** The grid row indices of a chunk, as doubles like the other integer columns. */
function rowIndices(): (rows: RowColumns) => Float64Array {
  let indices = new Float64Array(0);
  return (rows) => {
    if (indices.length < rows.count) indices = new Float64Array(rows.count);
    for (let i = 0; i < rows.count; i++) indices[i] = rows.start + i;
    return indices.subarray(0, rows.count);
  };
}

/**
 * Enough bytes for a chunk that the writer never grows (a copy): 8 a value, and for keys and
 * levels their bits plus the hybrid's worst overhead (a header byte or two per 8 values).
 */
function chunkBytesBound(count: number, sources: ColumnSource[], columns: FileColumn[]): number {
  const runs = (bitWidth: number) => 64 + Math.ceil(count * (bitWidth / 8 + 0.25));
  let bytes = 0;
  sources.forEach((source, i) => {
    if (source.kind === "dictionary") {
      bytes += runs(keyBitWidth(source.dictionary.length));
      for (const value of source.dictionary) bytes += 16 + 4 * String(value).length;
    } else bytes += 8 * count + (columns[i].nullable ? runs(1) : 64);
  });
  return bytes;
}

/** Bits a dictionary key takes (at least 1). */
function keyBitWidth(dictionarySize: number): number {
  return Math.max(1, Math.ceil(Math.log2(dictionarySize)));
}

/** The dictionary a row group writes and its keys: the whole one, or the span its keys use. */
function chunkDictionary(
  source: Extract<ColumnSource, { kind: "dictionary" }>,
  rows: RowColumns,
): { dictionary: string[] | bigint[]; keys: Int32Array } {
  const keys = source.keys(rows);
  if (!source.windowed || keys.length === 0) return { dictionary: source.dictionary, keys };
  let low = keys[0];
  let high = keys[0];
  for (const key of keys) {
    if (key < low) low = key;
    if (key > high) high = key;
  }
  const dictionary = source.dictionary.slice(low, high + 1) as string[] | bigint[];
  return { dictionary, keys: keys.map((key) => key - low) };
}

/** One column of the chunk: a data page (after its dictionary page where it has one). */
function writeColumnChunk(
  writer: ByteWriter,
  column: FileColumn,
  element: SchemaElement,
  source: ColumnSource,
  rows: RowColumns,
): ColumnChunk {
  const start = writer.offset;
  let dictionaryOffset: bigint | undefined;
  let dataOffset = BigInt(start);
  let statistics: Statistics | undefined;
  if (source.kind === "dictionary") {
    const { dictionary, keys } = chunkDictionary(source, rows);
    dictionaryOffset = BigInt(start);
    writeDictionaryPage(writer, columnEncoder(column, element), dictionary);
    dataOffset = BigInt(writer.offset);
    writeKeysPage(writer, keys, dictionary.length);
  } else {
    const range = writePlainPage(writer, source.values(rows), source.kind, column.nullable);
    if (source.kind === "int64" && source.statistics) statistics = range;
  }
  const size = BigInt(writer.offset - start);
  return {
    file_offset: BigInt(start),
    meta_data: {
      type: element.type as "INT64" | "DOUBLE" | "BYTE_ARRAY",
      encodings: dictionaryOffset === undefined ? ["PLAIN"] : ["PLAIN", "RLE_DICTIONARY"],
      path_in_schema: [column.name],
      codec: "UNCOMPRESSED",
      num_values: BigInt(rows.count),
      total_uncompressed_size: size,
      total_compressed_size: size,
      data_page_offset: dataOffset,
      dictionary_page_offset: dictionaryOffset,
      statistics,
    },
  };
}

/** What a reader prunes row groups by: min/max of the non-null values, and the null count. */
interface Statistics {
  min_value?: bigint;
  max_value?: bigint;
  null_count: bigint;
}

/** A data page v2 header; nothing is compressed. */
function writeDataPageHeader(
  writer: ByteWriter,
  page: {
    count: number;
    nulls: number;
    encoding: "PLAIN" | "RLE_DICTIONARY";
    levels: number;
    values: number;
  },
): void {
  writePageHeader(writer, {
    type: "DATA_PAGE_V2",
    uncompressed_page_size: page.levels + page.values,
    compressed_page_size: page.levels + page.values,
    data_page_header_v2: {
      num_values: page.count,
      num_nulls: page.nulls,
      num_rows: page.count,
      encoding: page.encoding,
      definition_levels_byte_length: page.levels,
      repetition_levels_byte_length: 0,
      is_compressed: false,
    },
  });
}

/** Keys as RLE/bit-packed runs behind their bit width (a constant column is one run). */
function writeKeysPage(writer: ByteWriter, keys: Int32Array, dictionarySize: number): void {
  const bitWidth = keyBitWidth(dictionarySize);
  const values = new ByteWriter(16 + ((keys.length * bitWidth) >> 3));
  values.appendUint8(bitWidth);
  writeRunLengths(values, keys, bitWidth);
  const count = keys.length;
  writeDataPageHeader(writer, {
    count,
    nulls: 0,
    encoding: "RLE_DICTIONARY",
    levels: 0,
    values: values.offset,
  });
  writer.appendBytes(values.getBytes());
}

/**
 * PLAIN values written in place: doubles as their bytes, whole numbers (below 2^53) as int64
 * words. A nullable column's NaNs are nulls: definition level 0 and no value. Returns the
 * values' range as int64 statistics (meaningful for int64 columns only).
 */
function writePlainPage(
  writer: ByteWriter,
  column: Float64Array,
  kind: "int64" | "double",
  nullable: boolean,
): Statistics {
  const count = column.length;
  let nulls = 0;
  let levels: Uint8Array | undefined;
  if (nullable) {
    if (definedScratch.length < count) definedScratch = new Int32Array(count);
    const defined = definedScratch.subarray(0, count);
    for (let i = 0; i < count; i++) {
      const isNull = Number.isNaN(column[i]);
      if (isNull) nulls++;
      defined[i] = isNull ? 0 : 1;
    }
    const levelWriter = new ByteWriter(16 + (count >> 3));
    writeRunLengths(levelWriter, defined, 1);
    levels = levelWriter.getBytes();
  }
  const valueBytes = 8 * (count - nulls);
  writeDataPageHeader(writer, {
    count,
    nulls,
    encoding: "PLAIN",
    levels: levels?.length ?? 0,
    values: valueBytes,
  });
  if (levels !== undefined) writer.appendBytes(levels);
  if (kind === "double" && nulls === 0) {
    writer.appendBytes(new Uint8Array(column.buffer, column.byteOffset, valueBytes));
    return { null_count: 0n };
  }
  writer.ensure(valueBytes);
  const view = writer.view;
  let at = writer.index;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const value = column[i];
    if (Number.isNaN(value)) continue;
    if (kind === "double") view.setFloat64(at, value, true);
    else {
      // high and low words without %, which V8 runs as a call to fmod
      const high = Math.floor(value / 4294967296);
      view.setUint32(at, value - high * 4294967296, true);
      view.setInt32(at + 4, high, true);
      if (value < min) min = value;
      if (value > max) max = value;
    }
    at += 8;
  }
  writer.index += valueBytes;
  writer.offset += valueBytes;
  if (nulls === count) return { null_count: BigInt(nulls) };
  return { min_value: BigInt(min), max_value: BigInt(max), null_count: BigInt(nulls) };
}

let definedScratch = new Int32Array(0);

/**
 * Levels or keys in the RLE/bit-packed hybrid: a constant column (a lone array, batch or model;
 * a column with no nulls) as its one run, anything else through hyparquet-writer. Its scan of
 * a 64 K-row constant column was an eighth of a chunk's encoding.
 */
function writeRunLengths(writer: ByteWriter, values: Int32Array, bitWidth: number): void {
  const first = values[0];
  let constant = true;
  for (let i = 1; i < values.length && constant; i++) constant = values[i] === first;
  if (!constant || values.length === 0) {
    writeRleBitPackedHybrid(writer, values, bitWidth);
    return;
  }
  // an RLE run: its length · 2 as a varint, then the value in ⌈bitWidth / 8⌉ little-endian bytes
  writer.appendVarInt(values.length << 1);
  for (let byte = 0; byte < (bitWidth + 7) >> 3; byte++)
    writer.appendUint8((first >>> (8 * byte)) & 0xff);
}

/** What hyparquet-writer's dictionary page writer reads of a column. */
function columnEncoder(column: FileColumn, element: SchemaElement) {
  return {
    columnName: column.name,
    element,
    schemaPath: [element],
    codec: "UNCOMPRESSED" as const,
    compressors: {},
    stats: false,
    pageSize: 0,
    columnIndex: false,
    offsetIndex: false,
  };
}
