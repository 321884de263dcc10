/**
 * A mixed edge's output Σ_j w[row, j] · term_j (the search's weighted sum of its ops' outputs),
 * as one op on the host: per edge, tf.mul per op, tf.addN and the slicing of the weights were
 * ~45 kernels forward and backward with their saved copies (~1,300 of a demo supernet step's
 * ~4,400), whose fixed cost every data-parallel worker paid whole. The value rounds as those ops
 * did (each product to float32, then added in order), so it has the same bits; the gradient
 * (gradients/mixedSumGrad.ts) gives every term w·dy and the weights row Σ dy·term.
 */
import * as tf from "@tensorflow/tfjs";
import { mixedSumBackprop } from "../gradients/mixedSumGrad.js";
import { heapValues, tensorOfScratch } from "../heapValues.js";

/** The value of one call, before it becomes a tensor (reused: tensorOfScratch copies). */
let sumScratch = new Float32Array(0);

/**
 * `terms[k]` is weighted by weights[row, columns[k]] (the zero op has no term); every term has
 * one shape. The gradient reaches the whole weights matrix (zero outside `row`).
 */
export function mixedSum(
  terms: tf.Tensor4D[],
  columns: number[],
  weights: tf.Tensor2D,
  row: number,
): tf.Tensor4D {
  if (terms.length === 0) throw new Error("mixedSum needs at least one term");
  const op = tf.customGrad((...args) => {
    const inputs = args.slice(0, terms.length) as tf.Tensor4D[];
    const matrix = args[terms.length] as tf.Tensor2D;
    const save = args[terms.length + 1] as tf.GradSaveFunc;
    const rowWeights = rowOf(matrix, row, columns);
    const size = inputs[0].size;
    if (sumScratch.length < size) sumScratch = new Float32Array(size);
    const sum = sumScratch.subarray(0, size);
    sum.fill(0);
    // heap views are valid until the next tensor is made: all read before the value is made
    inputs.forEach((input, k) => {
      const values = heapValues(input);
      const weight = rowWeights[k];
      for (let i = 0; i < size; i++) sum[i] += Math.fround(values[i] * weight);
    });
    save(inputs);
    return {
      value: tensorOfScratch(sum, inputs[0].shape) as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) =>
        mixedSumBackprop(dy, saved as tf.Tensor4D[], rowWeights, matrix.shape, row, columns),
    };
  });
  return op(...terms, weights) as tf.Tensor4D;
}

/** The row's weights of the terms, as float32 values (what tf.mul multiplied by). */
function rowOf(matrix: tf.Tensor2D, row: number, columns: number[]): Float32Array {
  const values = heapValues(matrix);
  const width = matrix.shape[1];
  return Float32Array.from(columns, (column) => values[row * width + column]);
}
