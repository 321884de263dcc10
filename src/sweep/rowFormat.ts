/**
 * Sweep rows as text: CSV with a header, or JSON Lines, written from a chunk's columns. Every row
 * is one line ending in "\n", so a file cut off anywhere holds whole rows plus at most one
 * partial last line. Numbers print as JavaScript's shortest round-trip form, so a value that is
 * exact (runtime of whole cycles at a round clock) prints exactly.
 */

import { extname } from "node:path";
import { InputError } from "../errors.js";
import { csvField } from "../files/csv.js";
import { type FileColumn, fileColumns, type RowColumns, sweepAxes } from "./columns.js";
import { runtimeMsWriter, writeNumber } from "./decimalText.js";
import { networkName, type SweepSpec } from "./grid.js";

export type RowFormat = "csv" | "jsonl" | "parquet";
export type TextFormat = Exclude<RowFormat, "parquet">;

export function rowFormatOf(path: string): RowFormat {
  const extension = extname(path).toLowerCase();
  if (extension === ".csv") return "csv";
  if (extension === ".jsonl" || extension === ".ndjson") return "jsonl";
  if (extension === ".parquet") return "parquet";
  throw new InputError(`--out ${path}: expected a .parquet, .csv or .jsonl file`);
}

/** What a new text file starts with. */
export function fileHeader(format: TextFormat, spec: SweepSpec): string {
  return format === "csv"
    ? `${fileColumns(spec)
        .map((column) => column.name)
        .join(",")}\n`
    : "";
}

/**
 * The text of each (network, array, batch) between the row index and the first number, built
 * once per sweep: `,network,array,rows,cols,batch,model` (CSV) or the JSON keys and values.
 */
function rowPrefixes(spec: SweepSpec, format: TextFormat): string[] {
  const prefixes: string[] = [];
  for (const network of spec.networks) {
    const name = networkName(network);
    for (const { rows, cols } of spec.arrays) {
      for (const batch of spec.batches) {
        const array = `${rows}x${cols}`;
        prefixes.push(
          format === "csv"
            ? `,${csvField(name)},${array},${rows},${cols},${batch},${csvField(spec.model)}`
            : `,"network":${JSON.stringify(name)},"array":"${array}","rows":${rows},"cols":${cols},"batch":${batch},"model":${JSON.stringify(spec.model)}`,
        );
      }
    }
  }
  return prefixes;
}

/** Longest text of one number: String of a double is at most 24 characters ("-1.2345678901234567e-308"). */
const maxNumberBytes = 32;

/**
 * A text writer for one sweep: writes a chunk's rows in one pass over its columns straight into
 * one byte buffer (`lent`, a buffer an earlier chunk went out in, or a new one), numbers by
 * decimalText.ts and each row's fixed text (network, array, batch, model) copied from bytes
 * encoded once, so no string is built per row.
 */
export function textRowWriter(
  spec: SweepSpec,
  format: TextFormat,
): (rows: RowColumns, lent?: ArrayBuffer) => Uint8Array {
  const csv = format === "csv";
  const encoder = new TextEncoder();
  const prefixes = rowPrefixes(spec, format).map((prefix) => encoder.encode(prefix));
  const axisKeys = sweepAxes(spec).map((name) =>
    encoder.encode(csv ? "," : `,${JSON.stringify(name)}:`),
  );
  const keyTexts = csv
    ? [",", ",", ",", ",", ","]
    : [',"macs":', ',"cycles":', ',"runtimeMs":', ',"util":', ',"smoothUtil":'];
  const [macsKey, cyclesKey, runtimeKey, utilKey, smoothKey] = keyTexts.map((key) =>
    encoder.encode(key),
  );
  const open = encoder.encode(csv ? "" : '{"row":');
  const missing = encoder.encode(csv ? "" : "null");
  const close = encoder.encode(csv ? "\n" : "}\n");
  const writeRuntime = runtimeMsWriter(spec.hardware.clockHz);
  const perNetwork = spec.arrays.length * spec.batches.length;
  const maxRowBytes =
    open.length +
    Math.max(...prefixes.map((prefix) => prefix.length)) +
    axisKeys.reduce((sum, key) => sum + key.length + maxNumberBytes, 0) +
    keyTexts.join("").length +
    6 * maxNumberBytes +
    close.length;
  // a chunk takes about what the one before took
  let lastBytes = 1 << 20;
  // Where the text of an earlier row's value sits in `buffer`, to copy when a row repeats it:
  // a family's outer fields hold for many rows, and cycles (with the runtime they give) step
  // with the folds, in runs of up to an array side. Each entry: the value, its text's start, end.
  const axisTexts = axisKeys.map(() => ({ value: Number.NaN, start: 0, end: 0 }));
  const cyclesText = { value: Number.NaN, start: 0, end: 0 };
  return (rows, lent) => {
    let buffer = new Uint8Array(lent ?? new ArrayBuffer(lastBytes + (lastBytes >> 3)));
    let at = 0;
    let rowStart = 0;
    for (const text of [...axisTexts, cyclesText]) text.value = Number.NaN;
    for (let i = 0; i < rows.count; i++) {
      if (at + maxRowBytes > buffer.length) {
        const grown = new Uint8Array(Math.max(2 * buffer.length, at + maxRowBytes));
        grown.set(buffer.subarray(0, at));
        buffer = grown;
      }
      const cell =
        rows.network[i] * perNetwork + rows.array[i] * spec.batches.length + rows.batch[i];
      at = copyBytes(buffer, at, open);
      const previousRow = rowStart;
      rowStart = at;
      at = i === 0 ? writeNumber(buffer, at, rows.start) : nextIndex(buffer, previousRow, at);
      const prefix = prefixes[cell];
      buffer.set(prefix, at); // tens of bytes: one native copy beats a loop
      at += prefix.length;
      for (let a = 0; a < axisKeys.length; a++) {
        const value = rows.axes[a][i];
        const text = axisTexts[a];
        if (value === text.value) {
          at = copyWithin(buffer, at, text.start, text.end);
          continue;
        }
        text.value = value;
        text.start = at;
        at = copyBytes(buffer, at, axisKeys[a]);
        at = Number.isNaN(value) ? copyBytes(buffer, at, missing) : writeNumber(buffer, at, value);
        text.end = at;
      }
      const cycles = rows.cycles[i];
      const smooth = rows.smoothUtil[i];
      at = copyBytes(buffer, at, macsKey);
      at = writeNumber(buffer, at, rows.macs[i]);
      if (cycles === cyclesText.value)
        at = copyWithin(buffer, at, cyclesText.start, cyclesText.end);
      else {
        cyclesText.value = cycles;
        cyclesText.start = at;
        at = copyBytes(buffer, at, cyclesKey);
        at = writeNumber(buffer, at, cycles);
        at = copyBytes(buffer, at, runtimeKey);
        at = writeRuntime(buffer, at, cycles);
        cyclesText.end = at;
      }
      at = copyBytes(buffer, at, utilKey);
      at = writeNumber(buffer, at, rows.util[i]);
      at = copyBytes(buffer, at, smoothKey);
      at = Number.isNaN(smooth) ? copyBytes(buffer, at, missing) : writeNumber(buffer, at, smooth);
      at = copyBytes(buffer, at, close);
    }
    lastBytes = at;
    // the text, in a buffer of its own that the caller moves to the main thread whole
    return buffer.subarray(0, at);
  };
}

/**
 * The row index after the one whose digits start at `previous` (up to the first non-digit),
 * written at `at`: those digits copied and incremented in place, carrying over nines.
 */
function nextIndex(bytes: Uint8Array, previous: number, at: number): number {
  let end = at;
  for (let i = previous; bytes[i] >= 48 && bytes[i] <= 57; i++) bytes[end++] = bytes[i];
  let digit = end - 1;
  while (digit >= at && bytes[digit] === 57) bytes[digit--] = 48;
  if (digit >= at) {
    bytes[digit]++;
    return end;
  }
  // all nines: one digit more, a 1 and zeros
  bytes[at] = 49;
  for (let i = at + 1; i <= end; i++) bytes[i] = 48;
  return end + 1;
}

/** Copies bytes[start, end) to `at` (an earlier row's text, a few dozen bytes); returns the end. */
function copyWithin(bytes: Uint8Array, at: number, start: number, end: number): number {
  for (let i = start; i < end; i++) bytes[at + i - start] = bytes[i];
  return at + end - start;
}

/** Copies `text` to `at`; returns the end. A loop: the texts here are a few dozen bytes. */
function copyBytes(bytes: Uint8Array, at: number, text: Uint8Array): number {
  if (text.length === 1) {
    // a CSV comma or newline: most of a row's copies
    bytes[at] = text[0];
    return at + 1;
  }
  for (let i = 0; i < text.length; i++) bytes[at + i] = text[i];
  return at + text.length;
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

/** A row read back: strings as written, numbers as numbers, empty cells as null. */
export type ParsedRow = Record<string, string | number | null>;

/**
 * Parses one line written by textRowWriter against the sweep's columns; `where` names it in the
 * error ("out.csv line 7").
 */
export function parseRow(
  format: TextFormat,
  line: string,
  columns: FileColumn[],
  where: string,
): ParsedRow {
  let raw: Record<string, unknown>;
  if (format === "jsonl") {
    try {
      raw = JSON.parse(line);
    } catch {
      throw new InputError(`${where}: not a JSON object`);
    }
    if (raw === null || typeof raw !== "object")
      throw new InputError(`${where}: not a JSON object`);
  } else {
    const fields = splitCsvLine(line);
    if (fields.length !== columns.length) {
      throw new InputError(`${where}: expected ${columns.length} fields`);
    }
    raw = Object.fromEntries(columns.map((column, i) => [column.name, fields[i]]));
  }
  const row: ParsedRow = {};
  for (const { name, type, nullable } of columns) {
    const value = raw[name];
    if (type === "string") {
      row[name] = String(value);
      continue;
    }
    if (value === "" || value === null || value === undefined) {
      if (!nullable)
        throw new InputError(`${where}, field ${name}: expected a number (got ${value})`);
      row[name] = null;
      continue;
    }
    const number = Number(value);
    if (!Number.isFinite(number)) {
      throw new InputError(`${where}, field ${name}: expected a number (got ${value})`);
    }
    row[name] = number;
  }
  const index = row.row as number;
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new InputError(`${where}, field row: expected a row index (got ${raw.row})`);
  }
  return row;
}
