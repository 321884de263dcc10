/**
 * Weight-stationary fold accounting. A fold is one arrayRows × arrayCols tile of the weight
 * matrix; per fold the array (1) shifts the tile in from the top, one row per cycle, (2) streams
 * the M input rows in from the left, skewed one cycle per array row, while partial sums flow
 * down, and (3) waits for the last input to cross every column and its sum to leave the bottom.
 * Folds do not overlap. This is SCALE-Sim v2's WS timing (scalesim/compute/systolic_compute_ws.py,
 * see docs/simulator.md); test/hw/registerLevel.ts checks it register by register.
 */
import type { SimConfig } from "./config.js";

/** PE-cycles by what each PE was doing; the parts add up to cycles · arrayRows · arrayCols. */
export interface PeBreakdown {
  /** a useful MAC: one per layer MAC */
  active: number;
  /** idle rows of a fold whose K slice is shorter than arrayRows, while inputs stream */
  rowPadding: number;
  /** idle columns of a fold whose N slice is narrower than arrayCols, while inputs stream */
  colPadding: number;
  /** input skew across the rows and the last input's trip across the columns */
  fillDrain: number;
  /** shifting the weight tile in */
  weightLoad: number;
  /** the whole array waiting on DRAM */
  memoryStall: number;
}

/** Weight tile rows [rowStart, rowStart + rowsUsed) of K by columns [colStart, ...) of N. */
export interface Fold {
  rowStart: number;
  rowsUsed: number;
  colStart: number;
  colsUsed: number;
  /** first pass over this instance's inputs: they must come from DRAM at least once */
  firstColFold: boolean;
  /** the column's partial sums are final after this fold and can be written back */
  lastRowFold: boolean;
}

export function emptyBreakdown(): PeBreakdown {
  return { active: 0, rowPadding: 0, colPadding: 0, fillDrain: 0, weightLoad: 0, memoryStall: 0 };
}

// A full tile is shifted even when fewer rows are used: the zero rows still travel down.
export function weightLoadCycles(config: SimConfig): number {
  return config.arrayRows;
}

// Row r sees its first input r cycles late (skew), and an input needs arrayCols - 1 more
// cycles to reach the last column, whose sum then leaves the bottom row.
export function fillDrainCycles(config: SimConfig): number {
  return config.arrayRows - 1 + (config.arrayCols - 1);
}

/** Cycles of one fold: 2·arrayRows + arrayCols + streamRows - 2. */
export function foldCycles(streamRows: number, config: SimConfig): number {
  return weightLoadCycles(config) + fillDrainCycles(config) + streamRows;
}

/**
 * Adds the PE-cycles of `times` folds shaped like `fold`; rows left idle count as row padding
 * even in unused columns.
 */
export function addFoldPeCycles(
  breakdown: PeBreakdown,
  fold: Fold,
  streamRows: number,
  config: SimConfig,
  times = 1,
): void {
  const { arrayRows, arrayCols } = config;
  const pes = arrayRows * arrayCols;
  breakdown.active += times * fold.rowsUsed * fold.colsUsed * streamRows;
  breakdown.rowPadding += times * (arrayRows - fold.rowsUsed) * arrayCols * streamRows;
  breakdown.colPadding += times * fold.rowsUsed * (arrayCols - fold.colsUsed) * streamRows;
  breakdown.fillDrain += times * pes * fillDrainCycles(config);
  breakdown.weightLoad += times * pes * weightLoadCycles(config);
}
