/**
 * A conv filter rotated by 180° in its two spatial axes, optionally with its in and out channel
 * axes swapped: what an input gradient correlates dy with. Built on the host from the filter's
 * values, because the wasm backend's Reverse kernel moves ~40 ns a value (measured: 3×3×64×64,
 * reverse + transpose 1.8 ms, this 0.17 ms); in the demo search the flips were a tenth of a
 * worker's time, and they cost the same on every data-parallel rank whatever its share.
 */
import * as tf from "@tensorflow/tfjs";
import { heapValues } from "../heapValues.js";

/** [kh, kw, in, out] → [kh, kw, out, in] (swapChannels) or [kh, kw, in, out], flipped. */
export function flippedFilter(filter: tf.Tensor4D, swapChannels: boolean): tf.Tensor4D {
  const [kh, kw, inChannels, outChannels] = filter.shape;
  // read in place: nothing is allocated until the flipped values are complete
  const values = heapValues(filter);
  const flipped = new Float32Array(values.length);
  const tap = inChannels * outChannels;
  let at = 0;
  for (let p = kh - 1; p >= 0; p--) {
    for (let q = kw - 1; q >= 0; q--) {
      const from = (p * kw + q) * tap;
      if (!swapChannels) {
        flipped.set(values.subarray(from, from + tap), at);
        at += tap;
        continue;
      }
      for (let o = 0; o < outChannels; o++) {
        for (let i = 0; i < inChannels; i++) flipped[at++] = values[from + i * outChannels + o];
      }
    }
  }
  const shape: [number, number, number, number] = swapChannels
    ? [kh, kw, outChannels, inChannels]
    : [kh, kw, inChannels, outChannels];
  return tf.tensor4d(flipped, shape);
}
