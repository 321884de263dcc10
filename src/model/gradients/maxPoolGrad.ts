/**
 * Gradient of ops/maxPool.ts: each output's gradient goes to the input that holds its window's
 * maximum, the first one in scan order on ties, padding never (tfjs's cpu kernel does the same).
 *
 * A loop over the values rather than a backend kernel: the wasm backend's MaxPoolGrad (tfjs
 * 4.22) is wrong whenever a window holds negative values (it behaves as if its running maximum
 * started at 0; so does its MaxPoolWithArgmax). Built from forward ops (shift, compare, select
 * per tap) a 3×3 pool would take ~45 passes over the activations. This loop reads x once per
 * tap; forward + backward of a 2×2 pool of 64×16×16×64 takes ≈ 18 ms on wasm, as long as the
 * backend's own (wrong) kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { heapValues } from "../heapValues.js";

export type PoolInfo = tf.backend_util.Conv2DInfo;

export function maxPoolBackprop(dy: tf.Tensor4D, x: tf.Tensor4D, info: PoolInfo): tf.Tensor4D {
  // read in place (dataSync would copy both): nothing is allocated on the heap until the end
  const input = heapValues(x);
  const outputGradient = heapValues(dy);
  const inputGradient = new Float32Array(input.length);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const best = new Float32Array(channels);
  const bestIndex = new Int32Array(channels);
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * info.strideHeight - info.padInfo.top;
      const rowStart = Math.max(0, top);
      const rowEnd = Math.min(inHeight, top + info.filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const left = ow * info.strideWidth - info.padInfo.left;
        const colStart = Math.max(0, left);
        const colEnd = Math.min(inWidth, left + info.filterWidth);
        best.fill(Number.NEGATIVE_INFINITY);
        bestIndex.fill(-1);
        for (let row = rowStart; row < rowEnd; row++) {
          for (let col = colStart; col < colEnd; col++) {
            const base = ((n * inHeight + row) * inWidth + col) * channels;
            for (let c = 0; c < channels; c++) {
              const value = input[base + c];
              if (value > best[c]) {
                best[c] = value;
                bestIndex[c] = base + c;
              }
            }
          }
        }
        const outBase = ((n * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) {
          // -1: an all-NaN window, whose gradient tfjs also drops
          if (bestIndex[c] >= 0) inputGradient[bestIndex[c]] += outputGradient[outBase + c];
        }
      }
    }
  }
  return tf.tensor4d(inputGradient, x.shape);
}
