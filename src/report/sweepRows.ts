/**
 * A sweep's output file read back as rows, whatever its format (CSV, JSON Lines, Parquet): the
 * fixed columns, and the family fields (c, f, k, …) between `model` and `macs`, null for whole
 * networks. A text file cut off mid-line (a sweep still writing) loses only its torn last line.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { parquetReadObjects } from "hyparquet";
import { InputError } from "../errors.js";
import { readText } from "../files/readFile.js";
import { rowFormatOf } from "../sweep/rowFormat.js";

export interface SweepRow {
  network: string;
  array: string;
  rows: number;
  cols: number;
  batch: number;
  model: string;
  /** the family fields a sweep varies, by name; null where the row is a whole network */
  fields: Record<string, number | null>;
  macs: number;
  cycles: number;
  runtimeMs: number;
  util: number;
  smoothUtil: number | null;
}

const fixedColumns = ["row", "network", "array", "rows", "cols", "batch", "model"];
const costColumns = ["macs", "cycles", "runtimeMs", "util", "smoothUtil"];

export async function readSweepRows(path: string): Promise<{ rows: SweepRow[]; fields: string[] }> {
  const records = await readRecords(path);
  if (records.length === 0) return { rows: [], fields: [] };
  const columns = Object.keys(records[0]);
  for (const name of [...fixedColumns, ...costColumns]) {
    if (!columns.includes(name))
      throw new InputError(`${basename(path)}: no "${name}" column (not a uboost sweep output?)`);
  }
  const fields = columns.filter(
    (name) => !fixedColumns.includes(name) && !costColumns.includes(name),
  );
  const rows = records.map((record, i) => rowOf(record, fields, `${basename(path)} row ${i + 1}`));
  return { rows, fields };
}

async function readRecords(path: string): Promise<Record<string, unknown>[]> {
  const format = rowFormatOf(path);
  if (format === "parquet") {
    const bytes = readFileSync(path);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    try {
      // int64 columns come back as BigInt; rowOf turns every number into a double
      return await parquetReadObjects({ file });
    } catch (error) {
      throw new InputError(
        `${basename(path)}: cannot read the Parquet file (${(error as Error).message}); a sweep still running writes its footer at the end`,
      );
    }
  }
  const text = readText(path);
  // a sweep appends whole lines: anything after the last newline is a row still being written
  const whole = text.slice(0, text.lastIndexOf("\n") + 1);
  if (format === "csv") {
    try {
      return parseCsv(whole, { columns: true, skip_empty_lines: true });
    } catch (error) {
      throw new InputError(`${basename(path)}: malformed CSV (${(error as Error).message})`);
    }
  }
  return whole
    .split("\n")
    .filter((line) => line !== "")
    .map((line, i) => {
      try {
        return JSON.parse(line);
      } catch (error) {
        throw new InputError(
          `${basename(path)} line ${i + 1}: malformed JSON (${(error as Error).message})`,
        );
      }
    });
}

function rowOf(record: Record<string, unknown>, fields: string[], where: string): SweepRow {
  const optional = (name: string) => {
    const value = record[name];
    if (value === null || value === undefined || value === "") return null;
    const number = Number(value);
    if (!Number.isFinite(number)) throw new InputError(`${where}, field ${name}: not a number`);
    return number;
  };
  const required = (name: string) => {
    const value = optional(name);
    if (value === null) throw new InputError(`${where}, field ${name}: empty`);
    return value;
  };
  return {
    network: String(record.network),
    array: String(record.array),
    rows: required("rows"),
    cols: required("cols"),
    batch: required("batch"),
    model: String(record.model),
    fields: Object.fromEntries(fields.map((name) => [name, optional(name)])),
    macs: required("macs"),
    cycles: required("cycles"),
    runtimeMs: required("runtimeMs"),
    util: required("util"),
    smoothUtil: optional("smoothUtil"),
  };
}
