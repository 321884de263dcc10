/**
 * The U-Boost cost model written the way the paper's PyTorch code computes it: batched float32
 * tensor ops over a chunk of rows, the smooth ceiling as the full N-term sum on a [rows, N]
 * tensor, and the gradients by autodiff. The engine benchmark runs it next to the WASM engine to
 * measure what the closed forms and the O(1) smooth ceiling buy; it is not used by the search.
 */
import type * as tfjs from "@tensorflow/tfjs";
import type { EngineInputColumn, EngineOutputColumn } from "../src/engine/engine.js";
import type { SmoothCeilParams } from "../src/engine/smoothCeilParams.js";
import { EngineKind } from "../src/layers/layer.js";

export type Tfjs = typeof tfjs;
type Tensor = tfjs.Tensor;

/** One chunk of configs, column by column (subarrays of the engine's views will do). */
export type CostColumns = Record<EngineInputColumn, Float64Array> & { kind: Int32Array };

/** The engine's nine outputs, in float32. */
export type TfjsLayerCosts = Record<EngineOutputColumn, Float32Array>;

/** Per-row constants of the model: everything but c and f, which the gradients are taken for. */
interface RowTensors {
  /** k1·k2 (1 for fc) */
  kernel: Tensor;
  /** taps of the GEMM part: k1·k2 for conv, 1 for fc and for the pointwise half of dws */
  gemmKernel: Tensor;
  /** rows streamed per fold: h·w·b, or b for fc */
  pixels: Tensor;
  arrayRows: Tensor;
  arrayCols: Tensor;
  /** 1 where the layer has a GEMM part (conv, fc, dws), else 0 */
  gemmMask: Tensor;
  /** 1 where the layer has a depthwise part (dwconv, dws), else 0 */
  depthwiseMask: Tensor;
  /** layers that occupy no array time: util is 1 by definition */
  free: Tensor;
}

/**
 * Evaluates one chunk of rows. All intermediate tensors are released before returning, so
 * calling it chunk after chunk keeps tfjs memory flat.
 */
export function tfjsLayerCosts(
  tf: Tfjs,
  columns: CostColumns,
  params: SmoothCeilParams,
): TfjsLayerCosts {
  const outputs = tf.tidy(() => {
    const rows = rowTensors(tf, columns);
    const c = float32(tf, columns.c);
    const f = float32(tf, columns.f);
    const exact = exactCost(tf, rows, c, f);
    // One backward pass per output; dy defaults to ones, i.e. the gradient of the sum over rows,
    // which is the per-row gradient because rows do not interact.
    const smooth = (pick: "cycles" | "util") =>
      tf.valueAndGrads((cc: Tensor, ff: Tensor) => smoothCost(tf, rows, cc, ff, params)[pick]);
    const cycles = smooth("cycles")([c, f]);
    const util = smooth("util")([c, f]);
    return {
      macs: macsOf(rows, c, f),
      cycles: exact.cycles,
      util: exact.util,
      smoothCycles: cycles.value,
      smoothUtil: util.value,
      dCyclesDc: cycles.grads[0],
      dCyclesDf: cycles.grads[1],
      dUtilDc: util.grads[0],
      dUtilDf: util.grads[1],
    };
  });
  const result = {} as TfjsLayerCosts;
  for (const [name, tensor] of Object.entries(outputs)) {
    result[name as EngineOutputColumn] = tensor.dataSync() as Float32Array;
  }
  tf.dispose(outputs);
  return result;
}

function float32(tf: Tfjs, column: Float64Array): Tensor {
  return tf.tensor1d(Float32Array.from(column), "float32");
}

function rowTensors(tf: Tfjs, columns: CostColumns): RowTensors {
  const kind = tf.tensor1d(columns.kind, "int32");
  const is = (code: EngineKind) => tf.equal(kind, code);
  const isFc = is(EngineKind.fc);
  const isDws = is(EngineKind.dws);
  const hasGemm = tf.logicalOr(tf.logicalOr(is(EngineKind.conv), isFc), isDws);
  const hasDepthwise = tf.logicalOr(is(EngineKind.dwconv), isDws);
  const taps = float32(tf, columns.k1).mul(float32(tf, columns.k2));
  const batch = float32(tf, columns.batch);
  const one = tf.onesLike(taps);
  return {
    kernel: tf.where(isFc, one, taps),
    gemmKernel: tf.where(tf.logicalOr(isFc, isDws), one, taps),
    pixels: tf.where(isFc, batch, float32(tf, columns.h).mul(float32(tf, columns.w)).mul(batch)),
    arrayRows: float32(tf, columns.arrayRows),
    arrayCols: float32(tf, columns.arrayCols),
    gemmMask: tf.cast(hasGemm, "float32"),
    depthwiseMask: tf.cast(hasDepthwise, "float32"),
    free: tf.logicalNot(tf.logicalOr(hasGemm, hasDepthwise)),
  };
}

// dws adds a depthwise pass (k1k2·c MACs per pixel) and a 1×1 GEMM (c·f per pixel).
function macsOf(rows: RowTensors, c: Tensor, f: Tensor): Tensor {
  const gemm = rows.gemmMask.mul(rows.gemmKernel).mul(c).mul(f);
  const depthwise = rows.depthwiseMask.mul(rows.kernel).mul(c);
  return gemm.add(depthwise).mul(rows.pixels);
}

/** util = MACs / (cycles · rows · cols), 1 where the layer takes no cycles. */
function utilization(tf: Tfjs, rows: RowTensors, macs: Tensor, cycles: Tensor): Tensor {
  const one = tf.onesLike(cycles);
  // Divide by 1 on free rows rather than 0: where() sends a zero gradient to the branch it
  // drops, and 0 · (0/0) would still be NaN.
  const busy = tf.where(rows.free, one, cycles).mul(rows.arrayRows).mul(rows.arrayCols);
  return tf.where(rows.free, one, macs.div(busy));
}

function exactCost(tf: Tfjs, rows: RowTensors, c: Tensor, f: Tensor) {
  const rowFolds = rows.gemmKernel.mul(c).div(rows.arrayRows).ceil();
  const colFolds = f.div(rows.arrayCols).ceil();
  const depthwiseFolds = rows.kernel.div(rows.arrayRows).ceil();
  const cycles = foldCycles(rows, c, rowFolds, colFolds, depthwiseFolds);
  return { cycles, util: utilization(tf, rows, macsOf(rows, c, f), cycles) };
}

function smoothCost(tf: Tfjs, rows: RowTensors, c: Tensor, f: Tensor, params: SmoothCeilParams) {
  const S = (x: Tensor) => smoothCeilSum(tf, x, params);
  const rowFolds = S(rows.gemmKernel.mul(c).div(rows.arrayRows));
  const colFolds = S(f.div(rows.arrayCols));
  const depthwiseFolds = S(rows.kernel.div(rows.arrayRows));
  const cycles = foldCycles(rows, c, rowFolds, colFolds, depthwiseFolds);
  return { cycles, util: utilization(tf, rows, macsOf(rows, c, f), cycles) };
}

/** GEMM part: row folds × column folds; depthwise part: c × its own row folds; times pixels. */
function foldCycles(
  rows: RowTensors,
  c: Tensor,
  rowFolds: Tensor,
  colFolds: Tensor,
  depthwiseFolds: Tensor,
): Tensor {
  const gemm = rows.gemmMask.mul(rowFolds).mul(colFolds);
  const depthwise = rows.depthwiseMask.mul(c).mul(depthwiseFolds);
  return gemm.add(depthwise).mul(rows.pixels);
}

/** S(x) = Σ_{i<N} K / (C + exp(-B·clamp(x - i, -2, 2)))^{1/v}, summed over a [rows, N] tensor. */
export function smoothCeilSum(tf: Tfjs, x: Tensor, params: SmoothCeilParams): Tensor {
  const { terms, offset, sharpness, v } = params;
  const t = x.expandDims(1).sub(tf.range(0, terms)).clipByValue(-2, 2);
  const steps = t
    .mul(-sharpness)
    .exp()
    .add(offset)
    .pow(-1 / v);
  return steps.mul(offset ** (1 / v)).sum(1);
}
