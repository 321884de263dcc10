/**
 * Gradient of ops/maxPool.ts: each output's gradient goes to the input that holds its window's
 * maximum, the first one in scan order on ties, padding never (tfjs's cpu kernel does the same).
 *
 * A loop over the values rather than a backend kernel: the wasm backend's MaxPoolGrad (tfjs
 * 4.22) is wrong whenever a window holds negative values (it behaves as if its running maximum
 * started at 0; so does its MaxPoolWithArgmax). Built from forward ops (shift, compare, select
 * per tap) a 3×3 pool would take ~45 passes over the activations. This loop reads x once per
 * tap.
 */
import type * as tf from "@tensorflow/tfjs";
import { heapValues, tensorWrittenInPlace } from "../heapValues.js";

export type PoolInfo = tf.backend_util.Conv2DInfo;

/**
 * `y` is the forward output: where windows do not overlap (the networks' 2×2 pools, stride 2)
 * every input is compared with its window's maximum without branching (disjointWindowsBackprop),
 * else each window's maximum is searched for again.
 */
export function maxPoolBackprop(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  y: tf.Tensor4D,
  info: PoolInfo,
): tf.Tensor4D {
  if (info.strideHeight >= info.filterHeight && info.strideWidth >= info.filterWidth) {
    return disjointWindowsBackprop(dy, x, y, info);
  }
  const channels = info.inChannels;
  const best = new Float32Array(channels);
  const bestIndex = new Int32Array(channels);
  const write = (inputGradient: Float32Array) => {
    // windows overlap: gradients are added up, from zero
    inputGradient.fill(0);
    const input = heapValues(x);
    const outputGradient = heapValues(dy);
    forEachWindow(info, (outBase, taps, tapCount) => {
      best.fill(Number.NEGATIVE_INFINITY);
      bestIndex.fill(-1);
      for (let tap = 0; tap < tapCount; tap++) {
        const base = taps[tap];
        for (let c = 0; c < channels; c++) {
          const value = input[base + c];
          if (value > best[c]) {
            best[c] = value;
            bestIndex[c] = base + c;
          }
        }
      }
      for (let c = 0; c < channels; c++) {
        // -1: an all-NaN window, whose gradient tfjs also drops
        if (bestIndex[c] >= 0) inputGradient[bestIndex[c]] += outputGradient[outBase + c];
      }
    });
  };
  return tensorWrittenInPlace(x.shape, write) as tf.Tensor4D;
}

/**
 * Each input lies in at most one window, so its gradient is written, not added, straight into the
 * result's memory. A window's gradient goes to its first input (scan order) equal to its maximum
 * y, found without a branch per value (a running maximum's compare-and-branch mispredicts on
 * random activations). An all-NaN window's maximum is NaN and equals no input: its gradient is
 * dropped, as above. On wasm a 64×32×32×64 2×2 pool's gradient went from ≈ 35 to ≈ 20 ms.
 */
function disjointWindowsBackprop(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  y: tf.Tensor4D,
  info: PoolInfo,
): tf.Tensor4D {
  const channels = info.inChannels;
  const write = (inputGradient: Float32Array) => {
    if (!windowsTileInput(info)) inputGradient.fill(0);
    const input = heapValues(x);
    const maxima = heapValues(y);
    // the gradients' bits are moved, never computed with: a mask keeps them exact (±0, NaN, ∞)
    const gradient = heapValues(dy);
    const outputBits = new Int32Array(gradient.buffer, gradient.byteOffset, gradient.length);
    const inputBits = new Int32Array(
      inputGradient.buffer,
      inputGradient.byteOffset,
      inputGradient.length,
    );
    // per channel: -1 until the window's maximum was found, then 0
    const open = new Int32Array(channels);
    forEachWindow(info, (outBase, taps, tapCount) => {
      open.fill(-1);
      for (let tap = 0; tap < tapCount; tap++) {
        const base = taps[tap];
        for (let c = 0; c < channels; c++) {
          const hit = -Number(input[base + c] === maxima[outBase + c]) & open[c];
          inputBits[base + c] = outputBits[outBase + c] & hit;
          open[c] &= ~hit;
        }
      }
    });
  };
  return tensorWrittenInPlace(x.shape, write) as tf.Tensor4D;
}

/** Whether the windows cover every input (then the kernel writes every gradient value). */
function windowsTileInput(info: PoolInfo): boolean {
  const { strideHeight, strideWidth, filterHeight, filterWidth, padInfo } = info;
  return (
    strideHeight === filterHeight &&
    strideWidth === filterWidth &&
    padInfo.top >= 0 &&
    padInfo.left >= 0 &&
    info.outHeight * strideHeight - padInfo.top >= info.inHeight &&
    info.outWidth * strideWidth - padInfo.left >= info.inWidth
  );
}

/**
 * Calls `visit` for every output position (NHWC order): `outBase` is the index of its first
 * value, `taps[0..tapCount)` the index of the first value of each input pixel in its window, in
 * scan order, padding left out.
 */
function forEachWindow(
  info: PoolInfo,
  visit: (outBase: number, taps: Int32Array, tapCount: number) => void,
): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const taps = new Int32Array(info.filterHeight * info.filterWidth);
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * info.strideHeight - info.padInfo.top;
      const rowStart = Math.max(0, top);
      const rowEnd = Math.min(inHeight, top + info.filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const left = ow * info.strideWidth - info.padInfo.left;
        const colStart = Math.max(0, left);
        const colEnd = Math.min(inWidth, left + info.filterWidth);
        let tapCount = 0;
        for (let row = rowStart; row < rowEnd; row++) {
          for (let col = colStart; col < colEnd; col++) {
            taps[tapCount++] = ((n * inHeight + row) * inWidth + col) * channels;
          }
        }
        visit(((n * outHeight + oh) * outWidth + ow) * channels, taps, tapCount);
      }
    }
  }
}
