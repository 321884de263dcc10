/**
 * Gradients of ops/depthwiseConv2d.ts (channel multiplier 1), each one forward depthwise conv.
 * Measured on wasm, 3×3, 64 channels, 16×16, batch 64: forward ≈ 6.5 GFLOP/s, input gradient
 * about the same; the filter gradient ≈ 1 GFLOP/s, because its "filter" is the whole output
 * gradient (Ho·Wo taps), which XNNPACK's depthwise microkernels (≤ 25 taps) do not cover. On
 * that shape it still matches a JS loop over the values (≈ 18 vs ≈ 20 ms, head to head) and beats
 * a slice-multiply-sum per tap (≈ 47 ms), the same conv split into 4×4-tap blocks (≈ 120 ms) and
 * a dense conv that computes all channel pairs and keeps the diagonal (≈ 55 ms).
 */
import * as tf from "@tensorflow/tfjs";
import { type ConvConfig, convInfo, heightAxis, widthAxis } from "../ops/convGeometry.js";
import { applyWindows, filterGradientWindow, inputGradientOperand } from "./correlationWindow.js";
import { flippedFilter } from "./flippedFilter.js";

/** dL/dx: dy, zero-upsampled by the stride, depthwise-correlated with the flipped filter. */
export function depthwiseConv2dBackpropInput(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  xShape: readonly number[],
  config: ConvConfig,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(xShape, filter.shape, config, true);
    const flipped = flippedFilter(filter, false);
    const { x, pad } = inputGradientOperand(dy, info);
    return tf.depthwiseConv2d(x, flipped, 1, pad, "NHWC", info.dilationHeight);
  });
}

/**
 * dL/dw[p, q, c] = Σ_{n,h,w} xPad[n, s·h + d·p, s·w + d·q, c] · dy[n, h, w, c]: with the batch
 * folded into the channels (x as [1, H, W, batch·C], dy as a [Ho, Wo, batch·C, 1] filter) this is
 * one depthwise conv at stride d and dilation s; summing its [kh, kw, batch, C] output over the
 * batch gives the gradient.
 */
export function depthwiseConv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly number[],
  config: ConvConfig,
): tf.Tensor4D {
  return tf.tidy(() => {
    const info = convInfo(x.shape, filterShape, config, true);
    const [batch, height, width, channels] = x.shape;
    const foldedChannels = batch * channels;
    const xFolded = tf.reshape<tf.Rank.R4>(tf.transpose(x, [1, 2, 0, 3]), [
      1,
      height,
      width,
      foldedChannels,
    ]);
    const dyAsFilter = tf.reshape<tf.Rank.R4>(tf.transpose(dy, [1, 2, 0, 3]), [
      info.outHeight,
      info.outWidth,
      foldedChannels,
      1,
    ]);
    const window = applyWindows(
      xFolded,
      filterGradientWindow(heightAxis(info)),
      filterGradientWindow(widthAxis(info)),
    );
    const perImage = tf.depthwiseConv2d(
      window.x,
      dyAsFilter,
      info.dilationHeight,
      window.pad,
      "NHWC",
      info.strideHeight,
    );
    const [kh, kw] = filterShape;
    const summed = tf.sum(tf.reshape(perImage, [kh, kw, batch, channels]), 2);
    return tf.reshape(summed, [kh, kw, channels, 1]);
  });
}
