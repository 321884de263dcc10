/**
 * Gradients of ops/conv2d.ts, each one forward conv2d (see correlationWindow.ts for why and for
 * the padding arithmetic). Measured on wasm, 3×3, 64 → 64 channels, 16×16, batch 64: input
 * gradient ≈ forward speed; filter gradient ≈ half of it, transposes included.
 */
import * as tf from "@tensorflow/tfjs";
import { type ConvConfig, convInfo, heightAxis, widthAxis } from "../ops/convGeometry.js";
import {
  applyWindows,
  filterGradientWindow,
  type GradientPhase,
  inputGradientOperand,
  inputGradientPhases,
} from "./correlationWindow.js";
import { flippedFilter } from "./flippedFilter.js";

/**
 * dL/dx: dy, zero-upsampled by the stride, correlated with the flipped, in/out-swapped filter;
 * strided convs go phase by phase (stridedBackpropInput), which skips the zeros.
 */
export function conv2dBackpropInput(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  xShape: readonly number[],
  config: ConvConfig,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(xShape, filter.shape, config, false);
    const rows = inputGradientPhases(heightAxis(info));
    const cols = inputGradientPhases(widthAxis(info));
    const everyPhaseHasTaps = [...rows, ...cols].every((phase) => phase.taps.length > 0);
    if (info.strideHeight > 1 && everyPhaseHasTaps) {
      return stridedBackpropInput(dy, filter, xShape, rows, cols);
    }
    const flipped = flippedFilter(filter, true);
    const { x, pad } = inputGradientOperand(dy, info);
    return tf.conv2d(x, flipped, 1, pad, "NHWC", info.dilationHeight);
  });
}

/**
 * The input gradient of a stride-s conv as s² stride-1 convs of dy, one per (row, column) phase of
 * the input, each with its share of the taps, interleaved: the work of one forward conv, where
 * correlating the zero-upsampled dy with every tap does s² times that (measured on wasm, 3×3
 * stride 2, 64 → 64 channels, 16×16 → 8×8, batch 64, head to head on a busy machine: 66–104 ms
 * against 125–157 ms; the gathers, stacks and the smaller convs' overheads eat part of the 4×).
 */
function stridedBackpropInput(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  xShape: readonly number[],
  rows: GradientPhase[],
  cols: GradientPhase[],
): tf.Tensor4D {
  const [batch, height, width, channels] = xShape;
  const byRow = rows.map((row) => {
    const rowTaps = tf.gather(filter, row.taps, 0);
    const byCol = cols.map((col) => {
      const taps = tf.transpose(tf.gather(rowTaps, col.taps, 1), [0, 1, 3, 2]);
      const { x, pad } = applyWindows(dy, row.window, col.window);
      return tf.conv2d(x, taps as tf.Tensor4D, 1, pad);
    });
    return tf.stack(byCol, 3);
  });
  const interleaved = tf.stack(byRow, 2) as tf.Tensor<tf.Rank.R6>;
  const [, phaseRows, stride, phaseCols, colStride] = interleaved.shape;
  const full = tf.reshape<tf.Rank.R4>(interleaved, [
    batch,
    phaseRows * stride,
    phaseCols * colStride,
    channels,
  ]);
  return full.shape[1] === height && full.shape[2] === width
    ? full
    : tf.slice(full, [0, 0, 0, 0], [batch, height, width, channels]);
}

/**
 * dL/dw[p, q, i, o] = Σ_{n,h,w} xPad[n, s·h + d·p, s·w + d·q, i] · dy[n, h, w, o]: with the batch
 * and channel axes of x swapped ([in, H, W, batch]) and dy as a [Ho, Wo, batch, out] filter this
 * is one conv2d at stride d and dilation s, whose output is the [in, kh, kw, out] gradient.
 */
export function conv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly number[],
  config: ConvConfig,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(x.shape, filterShape, config, false);
    if (info.filterHeight === 1 && info.filterWidth === 1 && info.strideHeight === 1) {
      return pointwiseBackpropFilter(x, dy);
    }
    const channelsAsBatch = tf.transpose(x, [3, 1, 2, 0]);
    const dyAsFilter = tf.transpose(dy, [1, 2, 0, 3]);
    const window = applyWindows(
      channelsAsBatch,
      filterGradientWindow(heightAxis(info)),
      filterGradientWindow(widthAxis(info)),
    );
    const gradient = tf.conv2d(
      window.x,
      dyAsFilter,
      info.dilationHeight,
      window.pad,
      "NHWC",
      info.strideHeight,
    );
    return tf.transpose(gradient, [1, 2, 0, 3]);
  });
}

/**
 * 1×1, stride 1: dw = xᵀ·dy over all pixels, one matMul (wasm ≈ 2× faster than the conv form,
 * whose 16×16-tap "filter" XNNPACK handles poorly). The pixel order is free as long as both
 * sides share it, so each side gets its layout from a 3-D transpose; wasm's 2-D transpose of the
 * same data is several times slower.
 */
function pointwiseBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  const [batch, height, width, inChannels] = x.shape;
  const outChannels = dy.shape[3];
  const pixels = height * width;
  const dyByChannel = tf.transpose(tf.reshape(dy, [batch, pixels, outChannels]), [2, 1, 0]);
  const xByPixel = tf.transpose(tf.reshape(x, [batch, pixels, inChannels]), [1, 0, 2]);
  const gradientT = tf.matMul(
    tf.reshape(dyByChannel, [outChannels, batch * pixels]),
    tf.reshape(xByPixel, [batch * pixels, inChannels]),
  );
  return tf.reshape(tf.transpose(gradientT), [1, 1, inChannels, outChannels]);
}
