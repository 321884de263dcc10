/**
 * A chunk of sweep rows as one Parquet row group, encoded in the worker that costed it straight
 * from its typed-array columns; the row group's bytes and metadata go back to the main thread,
 * which only appends them (parquetFile.ts). Page headers and dictionary pages are laid out here
 * and serialized by hyparquet-writer's thrift and RLE writers; numbers are encoded here
 * (parquetValues.ts) without a value object.
 *
 * Integers are int64, floats double. Strings (network, array, model) and the integers a grid
 * index picks (rows, cols, batch) are dictionary-encoded with the grid's own index as the key,
 * so a chunk never hashes a value. Each numeric column chunk takes the encoding that suits its
 * values: a column that comes in runs (a family's outer channel, cycles stepping with the folds,
 * runtime) is a dictionary of its runs' values, RLE-keyed; other int64s (row indices, the inner
 * channel, MACs) are DELTA_BINARY_PACKED, near zero bits where they step evenly; other doubles
 * PLAIN. The systolic bench's rows take ~17 bytes instead of 64 PLAIN. No compression: measured
 * on 65,536-row chunks, LZ4 through parquet-wasm cost ~0.5 ms a column, as much as costing the
 * rows, to shrink a file that is read once; a reader that wants it smaller rewrites it.
 */
import { endianness } from "node:os";
import type { ColumnChunk, Encoding, RowGroup, SchemaElement } from "hyparquet";
// hyparquet-writer's parts, not its index: that loads all of it and hyparquet, ~25 ms of CPU in
// each worker that only writes pages
import { ByteWriter } from "hyparquet-writer/src/bytewriter.js";
import { writeRleBitPackedHybrid } from "hyparquet-writer/src/encoding.js";
import { serializeTCompactProtocol } from "hyparquet-writer/src/thrift.js";
import { runtimeMsOf } from "../engine/network.js";
import { type FileColumn, fileColumns, type RowColumns, sweepAxes } from "./columns.js";
import { networkName, type SweepSpec } from "./grid.js";
import {
  runDictionary,
  writeDeltaBinaryPacked,
  writePlainDouble,
  writePlainInt64,
  writeRleRuns,
} from "./parquetValues.js";

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
   * keys into a dictionary (strings or int64s, each as its PLAIN bytes), one a row; a row
   * group's dictionary is the span of keys it uses (a space's sweep names thousands of networks,
   * a chunk few)
   */
  | { kind: "dictionary"; entries: Uint8Array[]; keys: (rows: RowColumns) => Int32Array }
  | { kind: "int64"; values: (rows: RowColumns) => Float64Array; statistics: boolean }
  | { kind: "double"; values: (rows: RowColumns) => Float64Array };

/** An encoder for one sweep's chunks. */
export function parquetRowGroupEncoder(
  spec: SweepSpec,
): (rows: RowColumns, lent?: ArrayBuffer) => EncodedRowGroup {
  const columns = fileColumns(spec);
  const schema = parquetSchema(columns);
  const sources = columnSources(spec, columns);
  // a chunk takes about what the one before took (a new writer sized for the worst case, ~4×
  // that, was zeroed whole and collected as external memory, every chunk)
  let lastBytes = 1 << 16;
  return (rows, lent) => {
    const writer = new ByteWriter(0);
    writer.buffer = lent ?? new ArrayBuffer(lastBytes + (lastBytes >> 3));
    writer.view = new DataView(writer.buffer);
    const chunks = columns.map((column, i) =>
      writeColumnChunk(writer, column, schema[i + 1], sources[i], rows),
    );
    lastBytes = writer.offset;
    // the row group, in a buffer of its own that the caller moves to the main thread whole
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
  const strings = (values: string[]) => values.map(plainString);
  const int64s = (values: number[]) => values.map(plainInt64);
  const byName: Record<string, ColumnSource> = {
    row: { kind: "int64", values: rowIndices(), statistics: true },
    network: {
      kind: "dictionary",
      entries: strings(spec.networks.map(networkName)),
      keys: (rows) => rows.network,
    },
    array: {
      kind: "dictionary",
      entries: strings(spec.arrays.map(({ rows, cols }) => `${rows}x${cols}`)),
      keys: (rows) => rows.array,
    },
    rows: {
      kind: "dictionary",
      entries: int64s(spec.arrays.map((shape) => shape.rows)),
      keys: (rows) => rows.array,
    },
    cols: {
      kind: "dictionary",
      entries: int64s(spec.arrays.map((shape) => shape.cols)),
      keys: (rows) => rows.array,
    },
    batch: { kind: "dictionary", entries: int64s(spec.batches), keys: (rows) => rows.batch },
    model: {
      kind: "dictionary",
      entries: strings([spec.model]),
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
        fillRuntimes(runtime, rows.cycles, rows.count, clockHz);
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
    fillIndices(indices, rows.start, rows.count);
    return indices.subarray(0, rows.count);
  };
}

// Loops in functions of their own with nothing after them (see rangeAndNulls).

function fillIndices(into: Float64Array, start: number, count: number): void {
  for (let i = 0; i < count; i++) into[i] = start + i;
}

function fillRuntimes(into: Float64Array, cycles: Float64Array, count: number, clockHz: number) {
  for (let i = 0; i < count; i++) into[i] = runtimeMsOf(cycles[i], clockHz);
}

/** Bits a dictionary key takes (at least 1). */
function keyBitWidth(dictionarySize: number): number {
  return Math.max(1, Math.ceil(Math.log2(dictionarySize)));
}

/**
 * The dictionary a row group writes (the entries of the span of keys it uses), and its keys into
 * that span; `constant` when the span is one key (a lone array, batch or model; one network's
 * chunk).
 */
function chunkDictionary(
  source: Extract<ColumnSource, { kind: "dictionary" }>,
  rows: RowColumns,
): { entries: Uint8Array[]; keys: Int32Array; constant: boolean } {
  const keys = source.keys(rows);
  if (source.entries.length === 1) return { entries: source.entries, keys, constant: true };
  let low = keys[0];
  let high = keys[0];
  for (let i = 1; i < keys.length; i++) {
    if (keys[i] < low) low = keys[i];
    if (keys[i] > high) high = keys[i];
  }
  const entries = source.entries.slice(low, high + 1);
  if (low === 0 || low === high) return { entries, keys, constant: low === high };
  return { entries, keys: keys.map((key) => key - low), constant: false };
}

/** A string's PLAIN bytes: its UTF-8 length (4 bytes, little-endian), then its UTF-8. */
function plainString(value: string): Uint8Array {
  const utf8 = new TextEncoder().encode(value);
  const bytes = new Uint8Array(4 + utf8.length);
  new DataView(bytes.buffer).setUint32(0, utf8.length, true);
  bytes.set(utf8, 4);
  return bytes;
}

/** A whole number's PLAIN int64 bytes (little-endian). */
function plainInt64(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt(value), true);
  return bytes;
}

/** The metadata of a column chunk that depends on how its values were encoded. */
interface WrittenColumn {
  encodings: Encoding[];
  dictionaryOffset?: bigint;
  dataOffset: bigint;
  statistics?: Statistics;
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
  let written: WrittenColumn;
  if (source.kind === "dictionary") {
    const { entries, keys, constant } = chunkDictionary(source, rows);
    const dictionaryBytes = entries.reduce((sum, entry) => sum + entry.length, 0);
    writePageHeader(writer, {
      type: "DICTIONARY_PAGE",
      bytes: dictionaryBytes,
      dictionary: { num_values: entries.length },
    });
    for (const entry of entries) writer.appendBytes(entry);
    const dataOffset = BigInt(writer.offset);
    writeKeysPage(writer, constant ? undefined : keys, rows.count, entries.length);
    written = {
      encodings: ["PLAIN", "RLE_DICTIONARY"],
      dictionaryOffset: BigInt(start),
      dataOffset,
    };
  } else {
    const statistics = source.kind === "int64" && source.statistics;
    written = writeNumbers(writer, source.values(rows), source.kind, column.nullable, statistics);
  }
  const size = BigInt(writer.offset - start);
  return {
    file_offset: BigInt(start),
    meta_data: {
      type: element.type as "INT64" | "DOUBLE" | "BYTE_ARRAY",
      encodings: written.encodings,
      path_in_schema: [column.name],
      codec: "UNCOMPRESSED",
      num_values: BigInt(rows.count),
      total_uncompressed_size: size,
      total_compressed_size: size,
      data_page_offset: written.dataOffset,
      dictionary_page_offset: written.dictionaryOffset,
      statistics: written.statistics,
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
  page: { count: number; nulls: number; encoding: Encoding; levels: number; values: number },
): void {
  writePageHeader(writer, {
    type: "DATA_PAGE_V2",
    bytes: page.levels + page.values,
    dataV2: {
      num_values: page.count,
      num_nulls: page.nulls,
      num_rows: page.count,
      encoding: page.encoding,
      definition_levels_byte_length: page.levels,
    },
  });
}

/** Parquet's thrift enum values of the page types and encodings written here. */
const pageTypes = { DICTIONARY_PAGE: 2, DATA_PAGE_V2: 3 };
const encodings: Partial<Record<Encoding, number>> = {
  PLAIN: 0,
  DELTA_BINARY_PACKED: 5,
  RLE_DICTIONARY: 8,
};

/**
 * A PageHeader (parquet.thrift) in the compact protocol, through hyparquet-writer's serializer:
 * sizes (uncompressed = compressed), and a dictionary page's (PLAIN) or a v2 data page's header
 * (no repetition levels, not compressed).
 */
function writePageHeader(
  writer: ByteWriter,
  page: {
    type: keyof typeof pageTypes;
    bytes: number;
    dictionary?: { num_values: number };
    dataV2?: {
      num_values: number;
      num_nulls: number;
      num_rows: number;
      encoding: Encoding;
      definition_levels_byte_length: number;
    };
  },
): void {
  const { dictionary, dataV2 } = page;
  serializeTCompactProtocol(writer, {
    field_1: pageTypes[page.type],
    field_2: page.bytes,
    field_3: page.bytes,
    field_7: dictionary && { field_1: dictionary.num_values, field_2: encodings.PLAIN },
    field_8: dataV2 && {
      field_1: dataV2.num_values,
      field_2: dataV2.num_nulls,
      field_3: dataV2.num_rows,
      field_4: encodings[dataV2.encoding],
      field_5: dataV2.definition_levels_byte_length,
      field_6: 0,
      field_7: false,
    },
  });
}

/**
 * Keys as RLE/bit-packed runs behind their bit width; `keys` undefined: all `count` are key 0,
 * one run.
 */
function writeKeysPage(
  writer: ByteWriter,
  keys: Int32Array | undefined,
  count: number,
  dictionarySize: number,
): void {
  const bitWidth = keyBitWidth(dictionarySize);
  valueBytes.index = valueBytes.offset = 0;
  valueBytes.appendUint8(bitWidth);
  if (keys === undefined) writeRleRuns(valueBytes, [0], [count], 1, bitWidth);
  else writeRleBitPackedHybrid(valueBytes, keys, bitWidth);
  writeDataPageHeader(writer, {
    count,
    nulls: 0,
    encoding: "RLE_DICTIONARY",
    levels: 0,
    values: valueBytes.offset,
  });
  writer.appendBytes(valueBytes.getBytes());
}

/** Where a page's levels and values are put together before their header is written. */
const levelBytes = new ByteWriter(1 << 12);
const valueBytes = new ByteWriter(1 << 16);

/**
 * A numeric column: whole numbers (below 2^53) as int64, doubles as they are; a nullable column's
 * NaNs are nulls (definition level 0, no value). Values that come in runs, 1 a row in 8 or fewer,
 * are a dictionary page and RLE runs of keys; otherwise int64s are DELTA_BINARY_PACKED and
 * doubles PLAIN. With `withStatistics`, the values' range as int64 statistics.
 */
function writeNumbers(
  writer: ByteWriter,
  column: Float64Array,
  kind: "int64" | "double",
  nullable: boolean,
  withStatistics: boolean,
): WrittenColumn {
  const count = column.length;
  levelBytes.index = levelBytes.offset = 0;
  let values = column;
  let nulls = 0;
  let statistics: Statistics | undefined;
  if (nullable || withStatistics) {
    nulls = rangeAndNulls(column);
    if (nullable) values = definedValues(column, nulls);
    if (withStatistics) statistics = int64Statistics(nulls);
  }
  const defined = count - nulls;
  const page = { count, nulls, levels: levelBytes.offset, values: 0 };
  valueBytes.index = valueBytes.offset = 0;
  const levels = new Uint8Array(levelBytes.buffer, 0, levelBytes.offset);
  const runs = runDictionary(values, defined, Math.floor(defined / 8));
  if (runs !== undefined) {
    const { dictionary, keys, lengths } = runs;
    const dictionaryOffset = BigInt(writer.offset);
    const plainBytes = 8 * dictionary.length;
    writePageHeader(writer, {
      type: "DICTIONARY_PAGE",
      bytes: plainBytes,
      dictionary: { num_values: dictionary.length },
    });
    if (kind === "int64") writePlainInt64(writer, dictionary, dictionary.length);
    else writePlainDouble(writer, dictionary, dictionary.length);
    const dataOffset = BigInt(writer.offset);
    const bitWidth = keyBitWidth(dictionary.length);
    valueBytes.appendUint8(bitWidth);
    writeRleRuns(valueBytes, keys, lengths, runs.runs, bitWidth);
    writeDataPageHeader(writer, { ...page, encoding: "RLE_DICTIONARY", values: valueBytes.offset });
    writer.appendBytes(levels);
    writer.appendBytes(valueBytes.getBytes());
    return { encodings: ["PLAIN", "RLE_DICTIONARY"], dictionaryOffset, dataOffset, statistics };
  }
  const dataOffset = BigInt(writer.offset);
  if (kind === "int64") {
    writeDeltaBinaryPacked(valueBytes, values, defined);
    writeDataPageHeader(writer, {
      ...page,
      encoding: "DELTA_BINARY_PACKED",
      values: valueBytes.offset,
    });
    writer.appendBytes(levels);
    writer.appendBytes(valueBytes.getBytes());
    return { encodings: ["DELTA_BINARY_PACKED"], dataOffset, statistics };
  }
  writeDataPageHeader(writer, { ...page, encoding: "PLAIN", values: 8 * defined });
  writer.appendBytes(levels);
  writePlainDouble(writer, values, defined);
  return { encodings: ["PLAIN"], dataOffset, statistics };
}

/** Where rangeAndNulls leaves the least and greatest number it saw. */
const range = new Float64Array(2);

/**
 * How many NaNs (nulls) a column holds; its least and greatest other numbers go to `range` as
 * they are found. Nothing after the loop but returning a number: V8 (Node 20) compiles a long
 * first call's loop on the stack, without feedback for the code after it, then re-enters that
 * code and deoptimizes on the way out at every later call.
 */
function rangeAndNulls(column: Float64Array): number {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  range[0] = min;
  range[1] = max;
  let nulls = 0;
  const count = column.length;
  for (let i = 0; i < count; i++) {
    const value = column[i];
    if (Number.isNaN(value)) nulls++;
    else {
      if (value < min) range[0] = min = value;
      if (value > max) range[1] = max = value;
    }
  }
  return nulls;
}

function int64Statistics(nulls: number): Statistics {
  const [min, max] = range;
  if (min > max) return { null_count: BigInt(nulls) };
  return { min_value: BigInt(min), max_value: BigInt(max), null_count: BigInt(nulls) };
}

let definedScratch = new Float64Array(0);
let levelRuns = { levels: new Int32Array(0), lengths: new Int32Array(0) };

/**
 * A nullable column's definition levels, as RLE runs into levelBytes (a network's rows are
 * consecutive, so are its nulls), and its non-null values (the column itself when none is null).
 */
function definedValues(column: Float64Array, nulls: number): Float64Array {
  const count = column.length;
  if (nulls === 0 || nulls === count) {
    writeRleRuns(levelBytes, [nulls === 0 ? 1 : 0], [count], 1, 1);
    return column;
  }
  if (levelRuns.levels.length < count) {
    levelRuns = { levels: new Int32Array(count), lengths: new Int32Array(count) };
  }
  const { levels, lengths } = levelRuns;
  if (definedScratch.length < count) definedScratch = new Float64Array(count);
  let runs = 0;
  let defined = 0;
  for (let i = 0; i < count; i++) {
    const level = Number.isNaN(column[i]) ? 0 : 1;
    if (level === 1) definedScratch[defined++] = column[i];
    if (i > 0 && level === levels[runs - 1]) lengths[runs - 1]++;
    else {
      levels[runs] = level;
      lengths[runs++] = 1;
    }
  }
  writeRleRuns(levelBytes, levels, lengths, runs, 1);
  return definedScratch;
}
