/**
 * Plain TypeScript reference of the U-Boost cost model, written the way the paper's code computes
 * it: the smooth ceiling sums all N terms directly, and each layer type has its own closed form.
 * It shares no code with the WASM engine, so tests that hold the two together check both.
 */
import { EngineKind } from "../layers/layer.js";
import type { FoldTiming } from "./engine.js";
import type { SmoothCeilParams } from "./smoothCeilParams.js";

export interface LayerCostResult {
  macs: number;
  cycles: number;
  util: number;
  smoothCycles: number;
  smoothUtil: number;
  dCyclesDc: number;
  dCyclesDf: number;
  dUtilDc: number;
  dUtilDf: number;
}

export interface ReferenceRow {
  kind: EngineKind;
  k1: number;
  k2: number;
  c: number;
  f: number;
  h: number;
  w: number;
  batch: number;
  arrayRows: number;
  arrayCols: number;
}

/**
 * S(x) and S'(x) by the direct N-term sum; clamp'(t) = 1 on the closed interval [-2, 2]. With
 * N = +∞ the sum runs up to the last term not clamped low (i ≤ x + 2).
 */
export function smoothCeilDirect(
  x: number,
  params: SmoothCeilParams,
): { value: number; slope: number } {
  const { terms, offset, sharpness, v } = params;
  const scale = offset ** (1 / v);
  const count = Number.isFinite(terms) ? terms : Math.max(0, Math.floor(x + 2) + 1);
  let value = 0;
  let slope = 0;
  for (let i = 0; i < count; i++) {
    const t = Math.min(2, Math.max(-2, x - i));
    const e = Math.exp(-sharpness * t);
    value += scale / (offset + e) ** (1 / v);
    if (Math.abs(x - i) <= 2)
      slope += (scale * (1 / v) * sharpness * e) / (offset + e) ** (1 / v + 1);
  }
  return { value, slope };
}

const free: LayerCostResult = {
  macs: 0,
  cycles: 0,
  util: 1,
  smoothCycles: 0,
  smoothUtil: 1,
  dCyclesDc: 0,
  dCyclesDf: 0,
  dUtilDc: 0,
  dUtilDf: 0,
};

/**
 * One layer on one array. With timing "pipelined" every fold also pays the simulator's weight
 * load (s1 cycles) and pipeline fill/drain (s1 + s2 − 2 cycles) on top of its h·w·b rows.
 */
export function referenceLayerCost(
  row: ReferenceRow,
  params: SmoothCeilParams,
  timing: FoldTiming = "uboost",
): LayerCostResult {
  const S = (x: number) => smoothCeilDirect(x, params);
  const { k1, k2, c, f, arrayRows: s1, arrayCols: s2 } = row;
  const hwb = row.kind === EngineKind.fc ? row.batch : row.h * row.w * row.batch;
  const fold = { hwb, cycles: timing === "pipelined" ? hwb + 2 * s1 + s2 - 2 : hwb };
  switch (row.kind) {
    case EngineKind.conv:
      return gemm(k1 * k2, c, f, fold, s1, s2, S);
    case EngineKind.fc:
      return gemm(1, c, f, fold, s1, s2, S);
    case EngineKind.dwconv:
      return depthwise(k1 * k2, c, fold, s1, s2, S);
    case EngineKind.dws:
      return separable(k1 * k2, c, f, fold, s1, s2, S);
    default:
      return free;
  }
}

type Smooth = (x: number) => { value: number; slope: number };
/** Rows streamed per fold (MACs scale with them) and cycles one fold takes. */
type Fold = { hwb: number; cycles: number };

// conv: cycles = ⌈k1k2c/s1⌉⌈f/s2⌉hwb, util = k1k2cf / (s1 s2 ⌈k1k2c/s1⌉⌈f/s2⌉)
// (times hwb / fold cycles when folds also pay the pipeline overhead)
function gemm(k: number, c: number, f: number, fold: Fold, s1: number, s2: number, S: Smooth) {
  const rowFolds = Math.ceil((k * c) / s1);
  const colFolds = Math.ceil(f / s2);
  const r = S((k * c) / s1);
  const q = S(f / s2);
  const stretch = fold.hwb / fold.cycles;
  const smoothUtil = ((k * c * f) / (s1 * s2 * r.value * q.value)) * stretch;
  return {
    macs: fold.hwb * k * c * f,
    cycles: rowFolds * colFolds * fold.cycles,
    util: ((k * c * f) / (s1 * s2 * rowFolds * colFolds)) * stretch,
    smoothCycles: r.value * q.value * fold.cycles,
    smoothUtil,
    dCyclesDc: ((r.slope * k) / s1) * q.value * fold.cycles,
    dCyclesDf: ((r.value * q.slope) / s2) * fold.cycles,
    dUtilDc: smoothUtil / c - (smoothUtil * r.slope * k) / (s1 * r.value),
    dUtilDf: smoothUtil / f - (smoothUtil * q.slope) / (s2 * q.value),
  };
}

// dwconv: cycles = c⌈k1k2/s1⌉hwb, util = k1k2 / (s1 s2 ⌈k1k2/s1⌉): independent of c.
function depthwise(k: number, c: number, fold: Fold, s1: number, s2: number, S: Smooth) {
  const folds = Math.ceil(k / s1);
  const r = S(k / s1);
  const stretch = fold.hwb / fold.cycles;
  return {
    macs: fold.hwb * k * c,
    cycles: c * folds * fold.cycles,
    util: (k / (s1 * s2 * folds)) * stretch,
    smoothCycles: c * r.value * fold.cycles,
    smoothUtil: (k / (s1 * s2 * r.value)) * stretch,
    dCyclesDc: r.value * fold.cycles,
    dCyclesDf: 0,
    dUtilDc: 0,
    dUtilDf: 0,
  };
}

// dws: depthwise(c) then 1×1 conv c → f; util = total MACs / (total cycles · s1 s2).
function separable(k: number, c: number, f: number, fold: Fold, s1: number, s2: number, S: Smooth) {
  const { hwb } = fold;
  const dw = depthwise(k, c, fold, s1, s2, S);
  const pw = gemm(1, c, f, fold, s1, s2, S);
  const macs = dw.macs + pw.macs;
  const cycles = dw.cycles + pw.cycles;
  const smoothCycles = dw.smoothCycles + pw.smoothCycles;
  const dCyclesDc = dw.dCyclesDc + pw.dCyclesDc;
  const dCyclesDf = pw.dCyclesDf;
  const pes = s1 * s2;
  return {
    macs,
    cycles,
    util: macs / (cycles * pes),
    smoothCycles,
    smoothUtil: macs / (smoothCycles * pes),
    dCyclesDc,
    dCyclesDf,
    dUtilDc:
      (hwb * (k + f)) / (smoothCycles * pes) - (macs * dCyclesDc) / (smoothCycles ** 2 * pes),
    dUtilDf: (hwb * c) / (smoothCycles * pes) - (macs * dCyclesDf) / (smoothCycles ** 2 * pes),
  };
}
