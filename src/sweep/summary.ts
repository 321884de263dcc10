/**
 * The sweep's summary, kept as running totals per cell (network × array × batch, a family
 * counting as one network) rather than per row, so it stays small for any number of rows.
 * Workers total their chunk; the main thread merges chunk totals and resumed rows.
 */

import { runtimeMsOf } from "../engine/network.js";
import type { RowColumns } from "./columns.js";
import { type GridPoint, networkCount, networkName, type SweepSpec, summaryCell } from "./grid.js";

export interface CellTotals {
  rows: number;
  macs: number;
  cycles: number;
  minUtil: number;
  maxUtil: number;
}

export type SummaryCells = Map<number, CellTotals>;

export function addRow(
  cells: SummaryCells,
  cell: number,
  macs: number,
  cycles: number,
  util: number,
) {
  const totals = cells.get(cell);
  if (totals === undefined) {
    cells.set(cell, { rows: 1, macs, cycles, minUtil: util, maxUtil: util });
    return;
  }
  totals.rows += 1;
  totals.macs += macs;
  totals.cycles += cycles;
  totals.minUtil = Math.min(totals.minUtil, util);
  totals.maxUtil = Math.max(totals.maxUtil, util);
}

/**
 * Totals a chunk's rows into their cells: runs of rows in one cell (with one array and one batch,
 * a network's every row) each summed in one tight loop.
 */
export function addChunkRows(spec: SweepSpec, cells: SummaryCells, rows: RowColumns): void {
  const { network, array, batch, count } = rows;
  const cellPerNetwork = spec.arrays.length * spec.batches.length === 1;
  for (let from = 0, to = 1; from < count; from = to++) {
    // a network's rows are consecutive: with one array and one batch, often the whole chunk
    if (cellPerNetwork && network[count - 1] === network[from]) to = count;
    while (
      to < count &&
      network[to] === network[from] &&
      array[to] === array[from] &&
      batch[to] === batch[from]
    )
      to++;
    const cell =
      (network[from] * spec.arrays.length + array[from]) * spec.batches.length + batch[from];
    let totals = cells.get(cell);
    if (totals === undefined) {
      const util = rows.util[from];
      totals = { rows: 0, macs: 0, cycles: 0, minUtil: util, maxUtil: util };
      cells.set(cell, totals);
    }
    addRun(totals, rows, from, to);
  }
}

function addRun(totals: CellTotals, rows: RowColumns, from: number, to: number): void {
  totals.rows += to - from;
  totals.macs = sumOnto(totals.macs, rows.macs, from, to);
  totals.cycles = sumOnto(totals.cycles, rows.cycles, from, to);
  totals.minUtil = Math.min(totals.minUtil, leastOf(rows.util, from, to));
  totals.maxUtil = Math.max(totals.maxUtil, greatestOf(rows.util, from, to));
}

// One loop a function, returning a number and nothing after it: V8 (Node 20) compiles a long
// first call's loop on the stack without feedback for the code after it, then deoptimizes there
// at every later call.

/** sum + values[from] + … + values[to − 1], added in that order (as addRow would). */
function sumOnto(sum: number, values: Float64Array, from: number, to: number): number {
  let total = sum;
  for (let i = from; i < to; i++) total += values[i];
  return total;
}

function leastOf(values: Float64Array, from: number, to: number): number {
  let least = values[from];
  for (let i = from + 1; i < to; i++) if (values[i] < least) least = values[i];
  return least;
}

function greatestOf(values: Float64Array, from: number, to: number): number {
  let greatest = values[from];
  for (let i = from + 1; i < to; i++) if (values[i] > greatest) greatest = values[i];
  return greatest;
}

export function mergeCells(cells: SummaryCells, chunk: Iterable<[number, CellTotals]>): void {
  for (const [cell, totals] of chunk) {
    const into = cells.get(cell);
    if (into === undefined) {
      cells.set(cell, { ...totals });
      continue;
    }
    into.rows += totals.rows;
    into.macs += totals.macs;
    into.cycles += totals.cycles;
    into.minUtil = Math.min(into.minUtil, totals.minUtil);
    into.maxUtil = Math.max(into.maxUtil, totals.maxUtil);
  }
}

/** One network (or family) on one array at one batch. */
export interface SummaryEntry {
  network: string;
  array: string;
  batch: number;
  /** rows costed; fewer than expectedRows if some failed */
  rows: number;
  expectedRows: number;
  macs: number;
  cycles: number;
  runtimeMs: number;
  /** ΣMACs / (Σcycles · rows · cols): the network's, or a whole family's run back to back */
  util: number;
  /** the spread over a family's members (equal to util for one network) */
  minUtil: number;
  maxUtil: number;
}

/** The array that runs a network (a family: all its members) fastest at one batch. */
export interface BestArray {
  network: string;
  batch: number;
  array: string;
  runtimeMs: number;
  util: number;
}

export interface SweepSummary {
  entries: SummaryEntry[];
  best: BestArray[];
}

/** Entries in grid order; the best array only among cells with every row costed. */
export function summarize(spec: SweepSpec, cells: SummaryCells): SweepSummary {
  const entries: SummaryEntry[] = [];
  const best: BestArray[] = [];
  spec.networks.forEach((network, networkIndex) => {
    spec.batches.forEach((batch, batchIndex) => {
      let fastest: SummaryEntry | undefined;
      spec.arrays.forEach((shape, arrayIndex) => {
        const point: GridPoint = {
          network: networkIndex,
          member: 0,
          array: arrayIndex,
          batch: batchIndex,
        };
        const totals = cells.get(summaryCell(spec, point));
        if (totals === undefined) return;
        const pes = shape.rows * shape.cols;
        const entry: SummaryEntry = {
          network: networkName(network),
          array: `${shape.rows}x${shape.cols}`,
          batch,
          rows: totals.rows,
          expectedRows: networkCount(network),
          macs: totals.macs,
          cycles: totals.cycles,
          runtimeMs: runtimeMsOf(totals.cycles, spec.hardware.clockHz),
          util: totals.cycles > 0 ? totals.macs / (totals.cycles * pes) : 1,
          minUtil: totals.minUtil,
          maxUtil: totals.maxUtil,
        };
        entries.push(entry);
        const complete = entry.rows === entry.expectedRows;
        if (complete && (fastest === undefined || entry.runtimeMs < fastest.runtimeMs))
          fastest = entry;
      });
      if (fastest) {
        const { network: name, array, runtimeMs, util } = fastest;
        best.push({ network: name, batch, array, runtimeMs, util });
      }
    });
  });
  return { entries, best };
}
