/**
 * Measured latencies: CSV with a header `arch,<device>,<device>,…[,accuracy]`, one row per
 * architecture, one latency column (ms, or any unit shared by the column) per device. The first
 * column is the architecture's id; a score column (default `accuracy`, if present) is not a device.
 */
import { basename } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { fieldError, InputError } from "../errors.js";
import { readText } from "../files/readFile.js";
import type { LatencyColumns } from "./evaluate.js";

export interface MeasuredLatencies {
  ids: string[];
  devices: string[];
  columns: LatencyColumns;
  /** the score column's name and values, if the file has one */
  score?: { column: string; values: Float64Array };
}

/** Fewer rows give SRCCs too noisy to read anything from (one swap moves SRCC by ≥ 0.01). */
export const minimumRows = 10;
const decimal = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export function readLatenciesFile(path: string, scoreColumn?: string): MeasuredLatencies {
  const file = basename(path);
  const [header, ...rows] = parseRows(readText(path), file);
  if (header === undefined) throw new InputError(`${file}: empty file (expected a header row)`);
  checkHeader(header, file);
  const score = scoreColumn ?? (header.includes("accuracy") ? "accuracy" : undefined);
  if (score !== undefined && !header.slice(1).includes(score)) {
    throw new InputError(
      `${file}: no score column "${score}" for --score-column (columns: ${header.join(", ")})`,
    );
  }
  const devices = header.slice(1).filter((name) => name !== score);
  if (devices.length < 2) {
    throw new InputError(
      `${file}: needs at least 2 device latency columns after "${header[0]}" (found ${devices.length})`,
    );
  }
  if (rows.length < minimumRows) {
    throw new InputError(
      `${file}: needs at least ${minimumRows} architecture rows (found ${rows.length})`,
    );
  }
  const ids = architectureIds(rows, header, file);
  const column = (name: string, positive: boolean) => {
    const index = header.indexOf(name);
    return Float64Array.from(rows, (row, i) =>
      cellNumber(row[index], `${file} row ${i + 1}`, name, positive),
    );
  };
  const columns = devices.map((name) => column(name, true));
  return {
    ids,
    devices,
    columns,
    score: score === undefined ? undefined : { column: score, values: column(score, false) },
  };
}

function parseRows(text: string, file: string): string[][] {
  try {
    return parseCsv(text, {
      skip_empty_lines: true,
      trim: true,
      comment: "#",
      relax_column_count: true,
    });
  } catch (error) {
    throw new InputError(`${file}: malformed CSV (${(error as Error).message})`);
  }
}

function checkHeader(header: string[], file: string): void {
  header.forEach((name, i) => {
    if (name === "") throw new InputError(`${file}, header column ${i + 1}: empty column name`);
    if (header.indexOf(name) !== i) {
      throw new InputError(
        `${file}, header column ${i + 1}: "${name}" repeats column ${header.indexOf(name) + 1}`,
      );
    }
  });
}

function architectureIds(rows: string[][], header: string[], file: string): string[] {
  const seen = new Map<string, number>();
  return rows.map((row, i) => {
    const where = `${file} row ${i + 1}`;
    if (row.length !== header.length) {
      throw new InputError(
        `${where}: expected ${header.length} values (${header.join(",")}), got ${row.length}`,
      );
    }
    const id = row[0];
    if (id === "") throw fieldError(where, header[0], "missing architecture id");
    const first = seen.get(id);
    if (first !== undefined) throw fieldError(where, header[0], `"${id}" repeats row ${first}`);
    seen.set(id, i + 1);
    return id;
  });
}

function cellNumber(cell: string, where: string, column: string, positive: boolean): number {
  if (cell === "") throw fieldError(where, column, "missing value");
  const value = decimal.test(cell) ? Number(cell) : Number.NaN;
  if (!Number.isFinite(value)) throw fieldError(where, column, `not a number (got "${cell}")`);
  if (positive && value <= 0)
    throw fieldError(where, column, `a latency must be positive (got ${cell})`);
  return value;
}
