/**
 * The order folds run in (for each instance, column folds outer and row folds inner, so one
 * column's partial sums stay on chip until its last row fold), in O(1) per GEMM instead of one
 * step per fold: c = f = 10⁷ on an 8×8 array is 1.6·10¹² folds.
 *
 * Why runs of folds can be counted instead of walked: the stall when a fold starts depends only on
 * its own weight tile and on the fold running before it (memory.ts). So a block of folds that
 * starts and ends with the same kinds of fold costs the same every time it repeats after the
 * first, and a run of row folds with the same tile costs the same per fold except for the ±1
 * element rounding of each fold's input slice, which is counted.
 */
import { addFoldPeCycles, type Fold, foldCycles, type PeBreakdown } from "./compute.js";
import type { SimConfig } from "./config.js";
import type { Gemm } from "./gemm.js";
import {
  foldTraffic,
  inputResident,
  inputShare,
  type PortState,
  stepFold,
  windowStall,
} from "./memory.js";

/** What a layer has accumulated so far. */
export interface Tally {
  port: PortState;
  breakdown: PeBreakdown;
  computeCycles: number;
}

/** Runs every fold of one GEMM (all its instances) on the tally. */
export function runGemm(tally: Tally, gemm: Gemm, config: SimConfig): void {
  const resident = inputResident(gemm, config);
  const { arrayCols } = config;
  const colFolds = Math.ceil(gemm.width / arrayCols);
  const lastCols = gemm.width - (colFolds - 1) * arrayCols;
  const instance = () => {
    runColumnFold(tally, gemm, 0, Math.min(arrayCols, gemm.width), resident, config);
    repeat(tally, colFolds - 2, () =>
      runColumnFold(tally, gemm, arrayCols, arrayCols, resident, config),
    );
    if (colFolds > 1) {
      runColumnFold(tally, gemm, (colFolds - 1) * arrayCols, lastCols, resident, config);
    }
  };
  repeat(tally, gemm.count, instance);
}

/**
 * Runs `block` `times` times. After its first run the port always enters the block behind the
 * same kind of fold (the block's last), so the second run's cost is every later run's cost.
 */
function repeat(tally: Tally, times: number, block: () => void): void {
  if (times <= 0) return;
  block();
  if (times === 1) return;
  const before = snapshot(tally);
  block();
  const after = snapshot(tally);
  const more = times - 2;
  tally.computeCycles += more * (after.computeCycles - before.computeCycles);
  tally.port.stallCycles += more * (after.stallCycles - before.stallCycles);
  tally.port.folds += more * (after.folds - before.folds);
  for (const key of Object.keys(tally.breakdown) as (keyof PeBreakdown)[]) {
    tally.breakdown[key] += more * (after.breakdown[key] - before.breakdown[key]);
  }
}

function snapshot(tally: Tally) {
  const { computeCycles, port, breakdown } = tally;
  return {
    computeCycles,
    stallCycles: port.stallCycles,
    folds: port.folds,
    breakdown: { ...breakdown },
  };
}

/** The row folds of one column fold: the first and the last stepped, the middle ones counted. */
function runColumnFold(
  tally: Tally,
  gemm: Gemm,
  colStart: number,
  colsUsed: number,
  resident: boolean,
  config: SimConfig,
): void {
  const { arrayRows } = config;
  const rowFolds = Math.ceil(gemm.depth / arrayRows);
  const cycles = foldCycles(gemm.streamRows, config);
  const foldAt = (row: number): Fold => {
    const rowStart = row * arrayRows;
    return {
      rowStart,
      rowsUsed: Math.min(arrayRows, gemm.depth - rowStart),
      colStart,
      colsUsed,
      firstColFold: colStart === 0,
      lastRowFold: row === rowFolds - 1,
    };
  };
  const step = (fold: Fold) => {
    tally.computeCycles += cycles;
    addFoldPeCycles(tally.breakdown, fold, gemm.streamRows, config);
    stepFold(tally.port, foldTraffic(gemm, fold, resident, config), cycles, config);
  };
  step(foldAt(0));
  const middle = rowFolds - 2;
  if (middle > 0) {
    // Row folds 1 … R−2 load full tiles while folds 0 … R−3 (full, not last) stream their input
    // slices: ⌊E·s1/D⌋ elements each, or one more where the floors of the shares round up.
    const full = foldAt(1);
    const weightBytes = foldTraffic(gemm, full, resident, config).weightBytes;
    const readsInput = full.firstColFold || !resident;
    const bytes = config.bytesPerOperand;
    const low = readsInput ? Math.floor((gemm.inputElems * arrayRows) / gemm.depth) : 0;
    const total = readsInput ? inputShare(gemm, middle * arrayRows) : 0;
    const high = total - middle * low;
    const stallOf = (elems: number) => windowStall(weightBytes, elems * bytes, cycles, config);
    tally.port.stallCycles += high * stallOf(low + 1) + (middle - high) * stallOf(low);
    tally.port.folds += middle;
    const lastMiddle = foldAt(rowFolds - 2);
    tally.port.runningStream = foldTraffic(gemm, lastMiddle, resident, config).streamBytes;
    tally.computeCycles += middle * cycles;
    addFoldPeCycles(tally.breakdown, full, gemm.streamRows, config, middle);
  }
  if (rowFolds > 1) step(foldAt(rowFolds - 1));
}
