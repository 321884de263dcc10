/**
 * --resume of a CSV or JSON Lines file: reads the rows an earlier run wrote, in blocks (bounded
 * memory for any file size), and finds where the whole lines end, so a line cut off by a crash
 * can be dropped. (A Parquet file keeps its own record of whole row groups: parquetFile.ts.)
 */
import { closeSync, openSync, readSync, renameSync, writeSync } from "node:fs";
import { InputError } from "../errors.js";
import { fileColumns, sweepAxes } from "./columns.js";
import { fieldValue } from "./family.js";
import { type GridPoint, gridPoint, gridSize, networkName, type SweepSpec } from "./grid.js";
import { type ParsedRow, parseRow, type TextFormat } from "./rowFormat.js";

const blockBytes = 1 << 20;
const newline = 0x0a;

/** Calls `visit` for each whole line; returns the bytes those lines take (the file minus any partial last line). */
export function forEachWholeLine(
  path: string,
  visit: (line: string, lineNumber: number) => void,
): number {
  const fd = openSync(path, "r");
  const block = Buffer.alloc(blockBytes);
  let carry = Buffer.alloc(0);
  let wholeBytes = 0;
  let lineNumber = 0;
  try {
    for (let read = readSync(fd, block); read > 0; read = readSync(fd, block)) {
      const data =
        carry.length > 0
          ? Buffer.concat([carry, block.subarray(0, read)])
          : block.subarray(0, read);
      let from = 0;
      for (let end = data.indexOf(newline); end !== -1; end = data.indexOf(newline, from)) {
        visit(data.toString("utf8", from, end), ++lineNumber);
        from = end + 1;
      }
      wholeBytes += from;
      carry = Buffer.from(data.subarray(from));
    }
  } finally {
    closeSync(fd);
  }
  return wholeBytes;
}

/**
 * Visits every row of an earlier run's text output after checking that it is this sweep's row
 * (same network, array, batch, model and family values at that index); returns the bytes of
 * whole lines.
 */
export function readWrittenRows(
  path: string,
  format: TextFormat,
  spec: SweepSpec,
  visit: (row: ParsedRow, point: GridPoint, lineNumber: number) => void,
): number {
  const total = gridSize(spec);
  const columns = fileColumns(spec);
  const header = columns.map((column) => column.name).join(",");
  const axes = sweepAxes(spec);
  return forEachWholeLine(path, (line, lineNumber) => {
    const where = `${path} line ${lineNumber}`;
    if (format === "csv" && lineNumber === 1) {
      if (line !== header) {
        throw new InputError(
          `${where}: not this sweep's CSV header (expected ${header}; resume with the same flags)`,
        );
      }
      return;
    }
    const row = parseRow(format, line, columns, where);
    const index = row.row as number;
    if (index >= total) {
      throw new InputError(
        `${where}: row ${index} is beyond this sweep's ${total} rows (resume with the same flags)`,
      );
    }
    const point = gridPoint(spec, index);
    const expected = describeRow(spec, point, axes, (axis) => expectedAxis(spec, point, axis));
    const found = describeRow(
      spec,
      { network: -1, member: 0, array: 0, batch: 0 },
      axes,
      (axis) => row[axis] as number | null,
      row,
    );
    if (found !== expected) {
      throw new InputError(
        `${where}: row ${index} is ${found}, but ${expected} in this sweep (resume with the same flags)`,
      );
    }
    visit(row, point, lineNumber);
  });
}

/**
 * Rewrites `path` with its whole lines but those numbered in `drop` (1-based), through a
 * temporary file renamed over it, so a crash leaves the old file or the new one.
 */
export function dropLines(path: string, drop: ReadonlySet<number>): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, "w");
  let pending: string[] = [];
  let pendingBytes = 0;
  const flush = () => {
    const bytes = Buffer.from(pending.join(""));
    for (let written = 0; written < bytes.length; )
      written += writeSync(fd, bytes, written, bytes.length - written);
    pending = [];
    pendingBytes = 0;
  };
  try {
    forEachWholeLine(path, (line, lineNumber) => {
      if (drop.has(lineNumber)) return;
      pending.push(`${line}\n`);
      pendingBytes += line.length + 1;
      if (pendingBytes >= blockBytes) flush();
    });
    flush();
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** "resnet18 128x64 batch 8 systolic" (plus "c=64 f=128" for a family's member). */
function describeRow(
  spec: SweepSpec,
  point: GridPoint,
  axes: string[],
  axisValue: (axis: string) => number | null,
  row?: ParsedRow,
): string {
  const values = axes
    .map((axis) => [axis, axisValue(axis)])
    .filter(([, value]) => value !== null)
    .map(([axis, value]) => ` ${axis}=${value}`)
    .join("");
  if (row !== undefined) {
    return `${row.network} ${row.rows}x${row.cols} batch ${row.batch} ${row.model}${values}`;
  }
  const { rows, cols } = spec.arrays[point.array];
  const network = networkName(spec.networks[point.network]);
  return `${network} ${rows}x${cols} batch ${spec.batches[point.batch]} ${spec.model}${values}`;
}

function expectedAxis(spec: SweepSpec, point: GridPoint, axis: string): number | null {
  const network = spec.networks[point.network];
  if (network.kind !== "family") return null;
  const { family } = network;
  const index = family.fields.findIndex((field) => field.name === axis);
  if (index < 0 || family.fields[index].values.length < 2) return null;
  return fieldValue(family, index, point.member);
}
