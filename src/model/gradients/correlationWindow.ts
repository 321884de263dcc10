/**
 * Both conv gradients are computed as *forward* correlations, because forward convs are what the
 * fast backends are fast at (wasm/XNNPACK: ≈ 40 GFLOP/s forward, ≈ 2 GFLOP/s for its own
 * Conv2DBackpropInput, and no filter-gradient kernels at all). Each gradient is a correlation of
 * some tensor over a window of rows; this file computes, per spatial axis, how much that tensor
 * must be zero-padded (or cropped, where the forward pass never read the last rows) so the
 * correlation yields exactly the wanted size. Notation per axis: H input rows, Ho output rows,
 * k taps, stride s, dilation d, P zero rows the forward pass added before the input; the forward
 * pass reads input row s·o + d·p − P for output row o and tap p.
 */
import * as tf from "@tensorflow/tfjs";
import { type ConvAxis, type ConvInfo, heightAxis, widthAxis } from "../ops/convGeometry.js";

/** Zero rows to add before/after a tensor's axis; negative means crop that many rows. */
export interface AxisWindow {
  before: number;
  after: number;
}

/**
 * Input gradient: dx[i] = Σ_p dyUp[i + P − d·p]·w[p], where dyUp is dy with s − 1 zeros after
 * every row (s·Ho rows). With the taps flipped that is a stride-1 correlation at dilation d
 * of dyUp padded by d·(k − 1) − P before and H + P − s·Ho after.
 */
export function inputGradientWindow(axis: ConvAxis): AxisWindow {
  return {
    before: axis.dilation * (axis.kernel - 1) - axis.padBefore,
    after: axis.inSize + axis.padBefore - axis.stride * axis.outSize,
  };
}

/**
 * Filter gradient: dw[p] = Σ_o xPad[s·o + d·p]·dy[o], a correlation of the padded input with dy
 * as the filter, at stride d and dilation s; it reads d·(k − 1) + s·(Ho − 1) + 1 rows of xPad.
 */
export function filterGradientWindow(axis: ConvAxis): AxisWindow {
  const rowsRead = axis.dilation * (axis.kernel - 1) + axis.stride * (axis.outSize - 1) + 1;
  return { before: axis.padBefore, after: rowsRead - axis.inSize - axis.padBefore };
}

/**
 * Crops the negative sides of the windows off an NHWC tensor's height and width, and returns the
 * remaining (non-negative) zero padding as the explicit padding tfjs convs take.
 */
export function applyWindows(
  x: tf.Tensor4D,
  rows: AxisWindow,
  cols: AxisWindow,
): { x: tf.Tensor4D; pad: tf.backend_util.ExplicitPadding } {
  const [batch, height, width, channels] = x.shape;
  const top = Math.max(0, -rows.before);
  const left = Math.max(0, -cols.before);
  const keptRows = height - top - Math.max(0, -rows.after);
  const keptCols = width - left - Math.max(0, -cols.after);
  const cropped =
    keptRows === height && keptCols === width
      ? x
      : tf.slice(x, [0, top, left, 0], [batch, keptRows, keptCols, channels]);
  const pad: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [Math.max(0, rows.before), Math.max(0, rows.after)],
    [Math.max(0, cols.before), Math.max(0, cols.after)],
    [0, 0],
  ];
  return { x: cropped, pad };
}

/**
 * dy with stride − 1 zero rows after every row and zero columns after every column: as
 * [N, Ho, 1, Wo, 1, C] padded to [N, Ho, s, Wo, s, C]. One pad (wasm ≈ 1 ms for 1M floats;
 * depthToSpace of zero channels, the obvious alternative, ≈ 30 ms).
 */
export function zeroUpsample(dy: tf.Tensor4D, stride: number): tf.Tensor4D {
  if (stride === 1) return dy;
  const [batch, height, width, channels] = dy.shape;
  const spread = tf.pad(tf.reshape(dy, [batch, height, 1, width, 1, channels]), [
    [0, 0],
    [0, 0],
    [0, stride - 1],
    [0, 0],
    [0, stride - 1],
    [0, 0],
  ]);
  return tf.reshape(spread, [batch, height * stride, width * stride, channels]);
}

/**
 * What the input gradient of a conv or depthwise conv correlates with the flipped filter: dy
 * zero-upsampled by the stride, cropped or padded to the input-gradient windows.
 */
export function inputGradientOperand(
  dy: tf.Tensor4D,
  info: ConvInfo,
): { x: tf.Tensor4D; pad: tf.backend_util.ExplicitPadding } {
  return applyWindows(
    zeroUpsample(dy, info.strideHeight),
    inputGradientWindow(heightAxis(info)),
    inputGradientWindow(widthAxis(info)),
  );
}

/**
 * One phase of a strided conv's input gradient: the input rows i ≡ phase (mod s) receive only the
 * taps p ≡ phase + P (mod s), so dx[s·m + phase] = Σ_j dy[m + c − j]·w[s·j + r], a stride-1
 * correlation of dy (not zero-upsampled: s× fewer rows to read) with those taps in reverse
 * order. `taps` are the filter indices in correlation order; every phase yields ⌈H / s⌉ rows
 * (the rows past H are cut after interleaving).
 */
export interface GradientPhase {
  taps: number[];
  window: AxisWindow;
}

export function inputGradientPhases(axis: ConvAxis): GradientPhase[] {
  const { stride, kernel, padBefore, outSize, inSize } = axis;
  const rows = Math.ceil(inSize / stride);
  return Array.from({ length: stride }, (_, phase) => {
    const residue = (phase + padBefore) % stride;
    const shift = (phase + padBefore - residue) / stride;
    const taps: number[] = [];
    for (let p = residue; p < kernel; p += stride) taps.unshift(p);
    return {
      taps,
      window: { before: taps.length - 1 - shift, after: rows + shift - outSize },
    };
  });
}
