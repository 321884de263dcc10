import * as tf from "@tensorflow/tfjs";

/**
 * Gumbel-softmax over the last axis: softmax((logits + g) / τ) with g = −log(−log u), u ~ U(0, 1)
 * seeded per call. Differentiable in the logits; as τ → 0 the samples approach one-hot.
 */
export function gumbelSoftmax<T extends tf.Tensor>(logits: T, tau: number, seed: number): T {
  return tf.tidy(() => {
    const uniform = tf.randomUniform(logits.shape, 1e-10, 1 - 1e-7, "float32", seed);
    const gumbel = tf.neg(tf.log(tf.neg(tf.log(uniform))));
    return tf.softmax(tf.div(tf.add(logits, gumbel), tau)) as T;
  });
}
