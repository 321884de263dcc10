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

/** Totals a chunk's rows into their cells (a run of rows mostly stays in one cell). */
export function addChunkRows(spec: SweepSpec, cells: SummaryCells, rows: RowColumns): void {
  let cell = -1;
  let totals: CellTotals | undefined;
  for (let i = 0; i < rows.count; i++) {
    const rowCell =
      (rows.network[i] * spec.arrays.length + rows.array[i]) * spec.batches.length + rows.batch[i];
    const util = rows.util[i];
    if (rowCell !== cell || totals === undefined) {
      cell = rowCell;
      totals = cells.get(cell);
      if (totals === undefined) {
        totals = { rows: 0, macs: 0, cycles: 0, minUtil: util, maxUtil: util };
        cells.set(cell, totals);
      }
    }
    totals.rows += 1;
    totals.macs += rows.macs[i];
    totals.cycles += rows.cycles[i];
    if (util < totals.minUtil) totals.minUtil = util;
    if (util > totals.maxUtil) totals.maxUtil = util;
  }
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
