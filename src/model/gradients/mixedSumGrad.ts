/**
 * Gradient of ops/mixedSum.ts: term_j gets w_j·dy (rounded to float32, as tf.mul's gradient),
 * the weights matrix Σ dy·term_j at (row, column_j) summed in doubles, zero elsewhere.
 */
import * as tf from "@tensorflow/tfjs";
import { heapValues, tensorOfScratch } from "../heapValues.js";

/** One term's gradient, before it becomes a tensor (reused: tensorOfScratch copies). */
let termScratch = new Float32Array(0);

/** Returns the terms' gradients, then the weights'. */
export function mixedSumBackprop(
  dy: tf.Tensor4D,
  terms: tf.Tensor4D[],
  rowWeights: Float32Array,
  weightsShape: [number, number],
  row: number,
  columns: number[],
): tf.Tensor[] {
  const size = dy.size;
  const weightGradient = new Float32Array(weightsShape[0] * weightsShape[1]);
  // heap views are valid until the next tensor is made: every dot product before any
  const upstream = heapValues(dy);
  terms.forEach((term, k) => {
    const values = heapValues(term);
    let dot = 0;
    for (let i = 0; i < size; i++) dot += upstream[i] * values[i];
    weightGradient[row * weightsShape[1] + columns[k]] = dot;
  });
  if (termScratch.length < size) termScratch = new Float32Array(size);
  const scratch = termScratch.subarray(0, size);
  const termGradients: tf.Tensor[] = [];
  for (let k = 0; k < terms.length; k++) {
    // read again: the tensor made last may have moved the heap
    const current = heapValues(dy);
    const weight = rowWeights[k];
    for (let i = 0; i < size; i++) scratch[i] = current[i] * weight;
    termGradients.push(tensorOfScratch(scratch, dy.shape));
  }
  return [...termGradients, tf.tensor2d(weightGradient, weightsShape)];
}
