/**
 * --resume: reads the rows an earlier run wrote, in blocks (bounded memory for any file size),
 * and finds where the whole lines end, so a line cut off by a crash can be dropped.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { InputError } from "../errors.js";
import { type GridPoint, gridPoint, gridSize, networkName, type SweepSpec } from "./grid.js";
import { isCsvHeader, parseRow, type RowFormat, type SweepRow } from "./rowFormat.js";

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
 * Visits every row of an earlier run's output after checking that it is this sweep's row (same
 * network, array, batch and model at that index); returns the bytes of whole lines.
 */
export function readWrittenRows(
  path: string,
  format: RowFormat,
  spec: SweepSpec,
  visit: (row: SweepRow, point: GridPoint) => void,
): number {
  const total = gridSize(spec);
  return forEachWholeLine(path, (line, lineNumber) => {
    const where = `${path} line ${lineNumber}`;
    if (format === "csv" && lineNumber === 1) {
      if (!isCsvHeader(line)) throw new InputError(`${where}: not a uboost sweep CSV header`);
      return;
    }
    const row = parseRow(format, line, where);
    if (row.row >= total) {
      throw new InputError(
        `${where}: row ${row.row} is beyond this sweep's ${total} rows (resume with the same flags)`,
      );
    }
    const point = gridPoint(spec, row.row);
    const expected = expectedRow(spec, point);
    const found = `${row.network} ${row.arrayRows}x${row.arrayCols} batch ${row.batch} ${row.model}`;
    if (found !== expected) {
      throw new InputError(
        `${where}: row ${row.row} is ${found}, but ${expected} in this sweep (resume with the same flags)`,
      );
    }
    visit(row, point);
  });
}

function expectedRow(spec: SweepSpec, point: GridPoint): string {
  const { rows, cols } = spec.arrays[point.array];
  const network = networkName(spec.networks[point.network], point.member);
  return `${network} ${rows}x${cols} batch ${spec.batches[point.batch]} ${spec.model}`;
}
