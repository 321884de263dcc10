import * as tf from "@tensorflow/tfjs";

/**
 * values[indices] as a product with a constant one-hot matrix: tf.gather's gradient needs the
 * UnsortedSegmentSum kernel, which the wasm backend lacks; a matMul's gradient is a matMul.
 */
export function selectByIndex(values: tf.Tensor1D, indices: readonly number[]): tf.Tensor1D {
  return tf.tidy(() => {
    const selection = tf
      .oneHot(tf.tensor1d(indices as number[], "int32"), values.shape[0])
      .toFloat();
    return tf.matMul(selection, values.reshape([-1, 1])).reshape([-1]) as tf.Tensor1D;
  });
}
