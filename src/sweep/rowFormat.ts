/**
 * A sweep row as text: CSV with a header, or JSON Lines. Every row is one line ending in "\n",
 * so a file cut off anywhere holds whole rows plus at most one partial last line.
 */
import { extname } from "node:path";
import { InputError } from "../errors.js";

export type RowFormat = "csv" | "jsonl";

/** Network totals of one grid row (smoothUtil only for the engine's models). */
export interface SweepRow {
  row: number;
  network: string;
  arrayRows: number;
  arrayCols: number;
  batch: number;
  model: string;
  macs: number;
  cycles: number;
  runtimeMs: number;
  util: number;
  smoothUtil: number | null;
}

export const sweepColumns = [
  "row",
  "network",
  "array",
  "rows",
  "cols",
  "batch",
  "model",
  "macs",
  "cycles",
  "runtimeMs",
  "util",
  "smoothUtil",
] as const;

export function rowFormatOf(path: string): RowFormat {
  const extension = extname(path).toLowerCase();
  if (extension === ".csv") return "csv";
  if (extension === ".jsonl" || extension === ".ndjson") return "jsonl";
  throw new InputError(`--out ${path}: expected a .csv or .jsonl file`);
}

/** What a new file starts with. */
export function fileHeader(format: RowFormat): string {
  return format === "csv" ? `${sweepColumns.join(",")}\n` : "";
}

export function formatRow(format: RowFormat, row: SweepRow): string {
  const array = `${row.arrayRows}x${row.arrayCols}`;
  if (format === "jsonl") {
    const { row: index, network, arrayRows: rows, arrayCols: cols, batch, model } = row;
    const { macs, cycles, runtimeMs, util, smoothUtil } = row;
    const record = { row: index, network, array, rows, cols, batch, model };
    return `${JSON.stringify({ ...record, macs, cycles, runtimeMs, util, smoothUtil })}\n`;
  }
  const cells = [row.row, csvField(row.network), array, row.arrayRows, row.arrayCols, row.batch];
  cells.push(csvField(row.model), row.macs, row.cycles, row.runtimeMs, row.util);
  cells.push(row.smoothUtil ?? "");
  return `${cells.join(",")}\n`;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line's fields (RFC 4180 quoting); lines never hold a raw newline here. */
function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted && char === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (char === '"') quoted = !quoted;
    else if (char === "," && !quoted) {
      fields.push(field);
      field = "";
    } else field += char;
  }
  fields.push(field);
  return fields;
}

export function isCsvHeader(line: string): boolean {
  return line === sweepColumns.join(",");
}

/** Parses one line written by formatRow; `where` names it in the error ("out.csv line 7"). */
export function parseRow(format: RowFormat, line: string, where: string): SweepRow {
  let raw: Record<string, unknown>;
  if (format === "jsonl") {
    try {
      raw = JSON.parse(line);
    } catch {
      throw new InputError(`${where}: not a JSON object`);
    }
  } else {
    const fields = splitCsvLine(line);
    if (fields.length !== sweepColumns.length) {
      throw new InputError(`${where}: expected ${sweepColumns.length} fields`);
    }
    raw = Object.fromEntries(sweepColumns.map((column, i) => [column, fields[i]]));
  }
  return sweepRowOf(raw, where);
}

function sweepRowOf(raw: Record<string, unknown>, where: string): SweepRow {
  const number = (column: string) => {
    const value = Number(raw[column]);
    if (raw[column] === "" || raw[column] === null || !Number.isFinite(value)) {
      throw new InputError(`${where}, field ${column}: expected a number (got ${raw[column]})`);
    }
    return value;
  };
  const row = number("row");
  if (!Number.isSafeInteger(row) || row < 0) {
    throw new InputError(`${where}, field row: expected a row index (got ${raw.row})`);
  }
  const smooth = raw.smoothUtil;
  return {
    row,
    network: String(raw.network),
    arrayRows: number("rows"),
    arrayCols: number("cols"),
    batch: number("batch"),
    model: String(raw.model),
    macs: number("macs"),
    cycles: number("cycles"),
    runtimeMs: number("runtimeMs"),
    util: number("util"),
    smoothUtil:
      smooth === "" || smooth === null || smooth === undefined ? null : number("smoothUtil"),
  };
}
