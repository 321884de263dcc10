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
import { runtimeMsText } from "./decimalText.js";
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

/**
 * A text writer for one sweep: formats a chunk's rows in one pass over its columns into one
 * buffer (no array of lines to join, so little garbage for the collector).
 */
export function textRowWriter(
  spec: SweepSpec,
  format: TextFormat,
): (rows: RowColumns) => Uint8Array {
  const prefixes = rowPrefixes(spec, format);
  const axisNames = sweepAxes(spec);
  const runtimeText = runtimeMsText(spec.hardware.clockHz);
  const perNetwork = spec.arrays.length * spec.batches.length;
  const csv = format === "csv";
  const open = csv ? "" : '{"row":';
  const keys = csv
    ? [",", ",", ",", ",", ","]
    : [',"macs":', ',"cycles":', ',"runtimeMs":', ',"util":', ',"smoothUtil":'];
  const axisKeys = axisNames.map((name) => (csv ? "," : `,${JSON.stringify(name)}:`));
  const missing = csv ? "" : "null";
  const close = csv ? "\n" : "}\n";
  // Numbers and keys are ASCII; names usually are too, and then latin1 (one byte a unit, no
  // encoding work) writes the same bytes as UTF-8.
  const ascii = prefixes.every((prefix) => Buffer.byteLength(prefix) === prefix.length);
  const encoding = ascii ? "latin1" : "utf8";
  let buffer = Buffer.alloc(1 << 20);
  let used = 0;
  // Lines gather in a string that goes to the buffer every few hundred rows: one UTF-8
  // conversion call per batch of lines instead of per line.
  const flush = (text: string) => {
    // 3 bytes a UTF-16 unit is the most UTF-8 can take; names may hold any character
    if (used + 3 * text.length > buffer.length) {
      const grown = Buffer.alloc(Math.max(2 * buffer.length, used + 3 * text.length));
      buffer.copy(grown, 0, 0, used);
      buffer = grown;
    }
    used += buffer.write(text, used, encoding);
  };
  return (rows) => {
    used = 0;
    let text = "";
    for (let i = 0; i < rows.count; i++) {
      const cell =
        rows.network[i] * perNetwork + rows.array[i] * spec.batches.length + rows.batch[i];
      text += open + (rows.start + i) + prefixes[cell];
      for (let a = 0; a < axisKeys.length; a++) {
        const value = rows.axes[a][i];
        text += axisKeys[a] + (Number.isNaN(value) ? missing : value);
      }
      const cycles = rows.cycles[i];
      const smooth = rows.smoothUtil[i];
      text +=
        keys[0] +
        rows.macs[i] +
        keys[1] +
        cycles +
        keys[2] +
        runtimeText(cycles) +
        keys[3] +
        rows.util[i] +
        keys[4] +
        (Number.isNaN(smooth) ? missing : smooth) +
        close;
      if ((i & 255) === 255) {
        flush(text);
        text = "";
      }
    }
    flush(text);
    // a copy of just the text: a view would send the whole buffer to the main thread
    return new Uint8Array(buffer.subarray(0, used));
  };
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
