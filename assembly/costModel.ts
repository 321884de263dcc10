// U-Boost's systolic-array cost model (paper §3.2 and appendix B), weight-stationary array of
// rows × cols PEs. A layer is a GEMM of (h·w·b) × (k1·k2·c) inputs with (k1·k2·c) × f weights:
// the weights are cut into ⌈k1k2c/rows⌉ · ⌈f/cols⌉ folds, and each fold streams h·w·b rows.
// Every function writes its result to the module globals below (no allocation per row).
// `foldCycles` is what one fold costs: h·w·b in the paper's model, plus the weight load and the
// pipeline fill/drain in the pipelined model; MACs always use `pixels` = h·w·b.

import { smoothCeil, smoothSlope, smoothValue } from "./smoothCeil";

// Kind codes: src/layers/layer.ts (EngineKind) holds the same numbers.
export const KIND_CONV: i32 = 0;
export const KIND_DWCONV: i32 = 1;
export const KIND_DWS: i32 = 2;
export const KIND_FC: i32 = 3;

export let macs: f64 = 0.0;
export let dMacsDc: f64 = 0.0;
export let dMacsDf: f64 = 0.0;
export let exactCycles: f64 = 0.0;
export let smoothCycles: f64 = 0.0;
export let dCyclesDc: f64 = 0.0;
export let dCyclesDf: f64 = 0.0;

/**
 * ⌈a/b⌉ from the already computed quotient a/b, exact for integers below 2^53: the rounding of
 * the quotient is off by less than one, and one product tells which way.
 */
@inline
export function ceilOfQuotient(quotient: f64, a: f64, b: f64): f64 {
  const q = Math.floor(quotient);
  return q * b < a ? q + 1.0 : q;
}

/** conv, dilated conv and fc: ⌈k1k2c/rows⌉ · ⌈f/cols⌉ folds of h·w·b streaming cycles. */
@inline
export function gemmCost(
  kernel: f64,
  c: f64,
  f: f64,
  pixels: f64,
  foldCycles: f64,
  rows: f64,
  cols: f64,
): void {
  const depth = kernel * c;
  macs = pixels * depth * f;
  dMacsDc = pixels * kernel * f;
  dMacsDf = pixels * depth;
  const depthPerRows = depth / rows;
  const widthPerCols = f / cols;
  exactCycles =
    ceilOfQuotient(depthPerRows, depth, rows) * ceilOfQuotient(widthPerCols, f, cols) * foldCycles;
  smoothCeil(depthPerRows);
  const rowFolds = smoothValue;
  const dRowFolds = (smoothSlope * kernel) / rows;
  smoothCeil(widthPerCols);
  const colFolds = smoothValue;
  const dColFolds = smoothSlope / cols;
  smoothCycles = rowFolds * colFolds * foldCycles;
  dCyclesDc = dRowFolds * colFolds * foldCycles;
  dCyclesDf = rowFolds * dColFolds * foldCycles;
}

/** Depthwise: each of the c channels is its own k1k2 × 1 GEMM; only ⌈k1k2/rows⌉ is smoothed. */
@inline
export function depthwiseCost(kernel: f64, c: f64, pixels: f64, foldCycles: f64, rows: f64): void {
  macs = pixels * kernel * c;
  dMacsDc = pixels * kernel;
  dMacsDf = 0.0;
  const kernelPerRows = kernel / rows;
  exactCycles = c * ceilOfQuotient(kernelPerRows, kernel, rows) * foldCycles;
  smoothCeil(kernelPerRows);
  smoothCycles = c * smoothValue * foldCycles;
  dCyclesDc = smoothValue * foldCycles;
  dCyclesDf = 0.0;
}

/** Depthwise-separable c → f: depthwise(c) then a 1×1 conv c → f; MACs and cycles add. */
@inline
export function separableCost(
  kernel: f64,
  c: f64,
  f: f64,
  pixels: f64,
  foldCycles: f64,
  rows: f64,
  cols: f64,
): void {
  depthwiseCost(kernel, c, pixels, foldCycles, rows);
  const dwMacs = macs;
  const dwDMacsDc = dMacsDc;
  const dwExact = exactCycles;
  const dwSmooth = smoothCycles;
  const dwDCyclesDc = dCyclesDc;
  gemmCost(1.0, c, f, pixels, foldCycles, rows, cols);
  macs += dwMacs;
  dMacsDc += dwDMacsDc;
  exactCycles += dwExact;
  smoothCycles += dwSmooth;
  dCyclesDc += dwDCyclesDc;
}

export function layerCost(
  kind: i32,
  k1: f64,
  k2: f64,
  c: f64,
  f: f64,
  pixels: f64,
  foldCycles: f64,
  rows: f64,
  cols: f64,
): void {
  if (kind == KIND_CONV) {
    gemmCost(k1 * k2, c, f, pixels, foldCycles, rows, cols);
  } else if (kind == KIND_FC) {
    gemmCost(1.0, c, f, pixels, foldCycles, rows, cols);
  } else if (kind == KIND_DWCONV) {
    depthwiseCost(k1 * k2, c, pixels, foldCycles, rows);
  } else if (kind == KIND_DWS) {
    separableCost(k1 * k2, c, f, pixels, foldCycles, rows, cols);
  } else {
    macs = 0.0;
    dMacsDc = 0.0;
    dMacsDf = 0.0;
    exactCycles = 0.0;
    smoothCycles = 0.0;
    dCyclesDc = 0.0;
    dCyclesDf = 0.0;
  }
}
