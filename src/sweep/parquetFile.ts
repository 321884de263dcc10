/**
 * The sweep's Parquet file, written as chunks finish: "PAR1", then per chunk a small record and
 * the chunk's row group, and at the end the footer (hyparquet-writer) listing every row group.
 *
 *   PAR1 | record₀ group₀ | record₁ group₁ | ... | footer, its length, PAR1
 *   record = "UBSW" | JSON length (u32 LE) | group length (u32 LE) | JSON
 *
 * Readers follow the footer's offsets and never look at the records; the records let --resume
 * rebuild the footer of a file that a crash left without one. A record whose JSON or group is cut
 * short is the torn tail: it and everything after it are dropped. The JSON holds the group's
 * metadata (offsets from the group's first byte), the grid rows it holds, their summary totals
 * and plot samples, and the sweep's fingerprint, so a resume of other flags is refused.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  fstatSync,
  openSync,
  readSync,
  renameSync,
  truncateSync,
  writeSync,
} from "node:fs";
import type { RowGroup, SchemaElement } from "hyparquet";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { InputError } from "../errors.js";
import type { SweepSpec } from "./grid.js";
import type { EncodedRowGroup } from "./parquetChunk.js";
import type { CellTotals } from "./summary.js";

const magic = "PAR1";
const recordMagic = "UBSW";
const recordHeaderBytes = 12;

/** What a record says besides the row group's own metadata. */
export interface GroupRecord {
  start: number;
  end: number;
  cells: [number, CellTotals][];
  /** plot samples as (row, util, smoothUtil or NaN) triples */
  curve: number[];
}

interface StoredRecord extends GroupRecord {
  sweep: string;
  rowGroup: RowGroup;
  schema: SchemaElement[];
}

export interface ParquetSweepFile {
  append(group: EncodedRowGroup, record: GroupRecord): void;
  /** writes the footer and closes the file */
  close(): void;
}

/** Identifies a sweep's grid and model, so a resume with other flags is caught. */
export function sweepFingerprint(spec: SweepSpec): string {
  return createHash("sha256").update(JSON.stringify(spec)).digest("hex").slice(0, 16);
}

/**
 * Opens `path` for the sweep. With `resume`, asks `keep` about each whole record already there
 * (dropping a torn tail and any earlier footer); a record it refuses (rows already kept from
 * another record) is cut out of the file. Otherwise starts the file.
 */
export function openParquetSweepFile(
  path: string,
  spec: SweepSpec,
  existing: boolean,
  keep: (record: GroupRecord) => boolean,
): ParquetSweepFile {
  const sweep = sweepFingerprint(spec);
  if (existing) dropRefusedRecords(path, sweep, keep);
  const fd = openSync(path, existing ? "r+" : "w");
  const groups: { offset: number; record: StoredRecord }[] = [];
  let end = 0;
  try {
    if (existing)
      end = readRecords(fd, path, sweep, (offset, record) => {
        groups.push({ offset, record });
      });
    if (end === 0) {
      writeAt(fd, Buffer.from(magic), 0);
      end = magic.length;
    }
    truncateSync(path, end);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return {
    append(group, record) {
      const stored: StoredRecord = {
        ...record,
        sweep,
        rowGroup: group.rowGroup,
        schema: group.schema,
      };
      const json = Buffer.from(JSON.stringify(stored, bigintReplacer));
      const header = Buffer.alloc(recordHeaderBytes);
      header.write(recordMagic, 0, "latin1");
      header.writeUInt32LE(json.length, 4);
      header.writeUInt32LE(group.bytes.length, 8);
      // the group's megabytes are written from where they are, not copied behind the record
      writeAt(fd, Buffer.concat([header, json]), end);
      writeAt(fd, group.bytes, end + recordHeaderBytes + json.length);
      groups.push({ offset: end + recordHeaderBytes + json.length, record: stored });
      end += recordHeaderBytes + json.length + group.bytes.length;
    },
    close() {
      try {
        if (groups.length > 0) writeAt(fd, footer(groups), end);
      } finally {
        closeSync(fd);
      }
    },
  };
}

function footer(groups: { offset: number; record: StoredRecord }[]): Buffer {
  const { schema } = groups[0].record;
  const writer = new ByteWriter();
  const parquet = new ParquetWriter({
    writer,
    schema,
    createdBy: "uboost sweep",
    statistics: true,
  });
  parquet.row_groups = groups.map(({ offset, record }) => {
    const rowGroup = structuredClone(record.rowGroup);
    shiftOffsets(rowGroup, offset);
    return rowGroup;
  });
  parquet.num_rows = parquet.row_groups.reduce((sum, group) => sum + group.num_rows, 0n);
  parquet.finish();
  // the writer began with its own "PAR1"; the file has one already
  return Buffer.from(writer.getBytes().subarray(magic.length));
}

/**
 * Asks `keep` about every whole record of `path`; when it refuses some, rewrites the file with
 * "PAR1" and the records it kept, through a temporary file renamed over it.
 */
function dropRefusedRecords(
  path: string,
  sweep: string,
  keep: (record: GroupRecord) => boolean,
): void {
  const kept: { start: number; end: number }[] = [];
  let refused = 0;
  const fd = openSync(path, "r");
  try {
    readRecords(fd, path, sweep, (_groupOffset, record, bytes) => {
      if (keep(record)) kept.push(bytes);
      else refused++;
    });
    if (refused === 0) return;
    const temporary = `${path}.${process.pid}.tmp`;
    const out = openSync(temporary, "w");
    try {
      writeAt(out, Buffer.from(magic), 0);
      let end = magic.length;
      for (const range of kept) {
        const bytes = Buffer.alloc(range.end - range.start);
        readSync(fd, bytes, 0, bytes.length, range.start);
        writeAt(out, bytes, end);
        end += bytes.length;
      }
    } finally {
      closeSync(out);
    }
    renameSync(temporary, path);
  } finally {
    closeSync(fd);
  }
}

/** Reads the whole records after "PAR1"; returns where the kept part of the file ends. */
function readRecords(
  fd: number,
  path: string,
  sweep: string,
  /** `bytes`: where the record starts and its group ends */
  visit: (groupOffset: number, record: StoredRecord, bytes: { start: number; end: number }) => void,
): number {
  const size = fstatSync(fd).size;
  const head = Buffer.alloc(recordHeaderBytes);
  if (size < magic.length) return 0;
  readSync(fd, head, 0, magic.length, 0);
  if (head.toString("latin1", 0, 4) !== magic) {
    throw new InputError(`--out ${path}: not a Parquet file (no PAR1 at its start)`);
  }
  let offset = magic.length;
  let records = 0;
  while (offset + recordHeaderBytes <= size) {
    readSync(fd, head, 0, recordHeaderBytes, offset);
    if (head.toString("latin1", 0, 4) !== recordMagic) break;
    const jsonBytes = head.readUInt32LE(4);
    const groupBytes = head.readUInt32LE(8);
    const groupOffset = offset + recordHeaderBytes + jsonBytes;
    if (groupOffset + groupBytes > size) break; // torn tail
    const json = Buffer.alloc(jsonBytes);
    readSync(fd, json, 0, jsonBytes, offset + recordHeaderBytes);
    const record = JSON.parse(json.toString("utf8"), bigintReviver) as StoredRecord;
    if (record.sweep !== sweep) {
      throw new InputError(
        `--out ${path}: its rows are from a different sweep (resume with the same flags)`,
      );
    }
    visit(groupOffset, record, { start: offset, end: groupOffset + groupBytes });
    records++;
    offset = groupOffset + groupBytes;
  }
  if (records === 0 && size > magic.length) {
    readSync(fd, head, 0, 4, magic.length);
    if (head.toString("latin1", 0, 4) !== recordMagic) {
      throw new InputError(`--out ${path}: not a Parquet file written by uboost sweep`);
    }
  }
  return offset;
}

function writeAt(fd: number, bytes: Uint8Array, position: number): void {
  for (let written = 0; written < bytes.length; ) {
    written += writeSync(fd, bytes, written, bytes.length - written, position + written);
  }
}

/** Row group metadata holds int64 fields as BigInt, which JSON has no form for. */
function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? { $int64: value.toString() } : value;
}

function bigintReviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === "object" && "$int64" in value) {
    return BigInt((value as { $int64: string }).$int64);
  }
  return value;
}

/** Moves every file offset of a row group's metadata by `by` bytes. */
function shiftOffsets(rowGroup: RowGroup, by: number): void {
  const shift = (record: Record<string, unknown>) => {
    for (const key of Object.keys(record)) {
      const value = record[key];
      if (!key.endsWith("_offset")) continue;
      if (typeof value === "bigint") record[key] = value + BigInt(by);
      else if (typeof value === "number") record[key] = value + by;
    }
  };
  shift(rowGroup as unknown as Record<string, unknown>);
  for (const column of rowGroup.columns) {
    shift(column as unknown as Record<string, unknown>);
    if (column.meta_data) shift(column.meta_data as unknown as Record<string, unknown>);
  }
}
