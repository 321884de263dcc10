// The engine's WASM surface: one call evaluates a struct-of-arrays batch in linear memory.
// The TS wrapper (src/engine/engine.ts) owns the layout: COLUMN_COUNT f64 columns of `capacity`
// rows each from `base`, then one i32 column of engine kinds. Column order is `f64Columns` there
// (its inputColumns, then its outputColumns).

import { configureSmoothCeil, smoothCeil, smoothSlope, smoothValue } from "./smoothCeil";
import {
  dCyclesDc,
  dCyclesDf,
  dMacsDc,
  dMacsDf,
  exactCycles,
  KIND_FC,
  layerCost,
  macs,
  smoothCycles,
} from "./costModel";

const COL_K1 = 0;
const COL_K2 = 1;
const COL_C = 2;
const COL_F = 3;
const COL_H = 4;
const COL_W = 5;
const COL_B = 6;
const COL_ROWS = 7;
const COL_COLS = 8;
const COL_MACS = 9;
const COL_CYCLES = 10;
const COL_UTIL = 11;
const COL_SMOOTH_CYCLES = 12;
const COL_SMOOTH_UTIL = 13;
const COL_DCYCLES_DC = 14;
const COL_DCYCLES_DF = 15;
const COL_DUTIL_DC = 16;
const COL_DUTIL_DF = 17;
export const COLUMN_COUNT: i32 = 18;

/** First free byte after the module's static data: the wrapper lays its columns from here. */
export function heapBase(): usize {
  return __heap_base;
}

@inline
function column(base: usize, capacity: i32, index: i32): usize {
  return base + ((<usize>index * <usize>capacity) << 3);
}

export function evaluate(
  count: i32,
  base: usize,
  capacity: i32,
  terms: f64,
  offset: f64,
  sharpness: f64,
  v: f64,
  pipelined: bool,
): void {
  configureSmoothCeil(terms, offset, sharpness, v);
  const kinds = base + ((<usize>COLUMN_COUNT * <usize>capacity) << 3);
  const k1s = column(base, capacity, COL_K1);
  const k2s = column(base, capacity, COL_K2);
  const cs = column(base, capacity, COL_C);
  const fs = column(base, capacity, COL_F);
  const hs = column(base, capacity, COL_H);
  const ws = column(base, capacity, COL_W);
  const bs = column(base, capacity, COL_B);
  const rowsCol = column(base, capacity, COL_ROWS);
  const colsCol = column(base, capacity, COL_COLS);
  const macsOut = column(base, capacity, COL_MACS);
  const cyclesOut = column(base, capacity, COL_CYCLES);
  const utilOut = column(base, capacity, COL_UTIL);
  const smoothCyclesOut = column(base, capacity, COL_SMOOTH_CYCLES);
  const smoothUtilOut = column(base, capacity, COL_SMOOTH_UTIL);
  const dCdcOut = column(base, capacity, COL_DCYCLES_DC);
  const dCdfOut = column(base, capacity, COL_DCYCLES_DF);
  const dUdcOut = column(base, capacity, COL_DUTIL_DC);
  const dUdfOut = column(base, capacity, COL_DUTIL_DF);
  for (let row: i32 = 0; row < count; row++) {
    const at = <usize>row << 3;
    const rows = load<f64>(rowsCol + at);
    const cols = load<f64>(colsCol + at);
    const kind = load<i32>(kinds + (<usize>row << 2));
    // fc is a conv with k1 = k2 = h = w = 1: only the batch streams through the array.
    const batch = load<f64>(bs + at);
    const pixels = kind == KIND_FC ? batch : load<f64>(hs + at) * load<f64>(ws + at) * batch;
    // Pipelined: each fold also shifts its weight tile in (rows cycles) and fills and drains the
    // skewed pipeline (rows - 1 + cols - 1): the simulator's per-fold timing (docs/simulator.md).
    const foldCycles = pipelined ? pixels + 2.0 * rows + cols - 2.0 : pixels;
    layerCost(
      kind,
      load<f64>(k1s + at),
      load<f64>(k2s + at),
      load<f64>(cs + at),
      load<f64>(fs + at),
      pixels,
      foldCycles,
      rows,
      cols,
    );
    const peCount = rows * cols;
    store<f64>(macsOut + at, macs);
    store<f64>(cyclesOut + at, exactCycles);
    store<f64>(smoothCyclesOut + at, smoothCycles);
    // Utilization = MACs / (cycles · rows · cols) for every kind; a layer with no cycles (pool,
    // identity, ...) does not occupy the array and counts as fully utilized (paper appendix B).
    if (exactCycles > 0.0) {
      store<f64>(utilOut + at, macs / (exactCycles * peCount));
    } else {
      store<f64>(utilOut + at, 1.0);
    }
    if (smoothCycles > 0.0) {
      // util = M / (Cy·pe) ⇒ ∂util = (∂M − util·pe·∂Cy) / (Cy·pe): one division for all three.
      const perPeCycle = 1.0 / (smoothCycles * peCount);
      const smoothUtil = macs * perPeCycle;
      store<f64>(smoothUtilOut + at, smoothUtil);
      store<f64>(dUdcOut + at, (dMacsDc - smoothUtil * peCount * dCyclesDc) * perPeCycle);
      store<f64>(dUdfOut + at, (dMacsDf - smoothUtil * peCount * dCyclesDf) * perPeCycle);
    } else {
      store<f64>(smoothUtilOut + at, 1.0);
      store<f64>(dUdcOut + at, 0.0);
      store<f64>(dUdfOut + at, 0.0);
    }
    store<f64>(dCdcOut + at, dCyclesDc);
    store<f64>(dCdfOut + at, dCyclesDf);
  }
}

/** S(x) for one point (tests and plots); its slope S'(x) is left in `lastSmoothSlope`. */
export let lastSmoothSlope: f64 = 0.0;

export function smoothCeilAt(x: f64, terms: f64, offset: f64, sharpness: f64, v: f64): f64 {
  configureSmoothCeil(terms, offset, sharpness, v);
  smoothCeil(x);
  lastSmoothSlope = smoothSlope;
  return smoothValue;
}
