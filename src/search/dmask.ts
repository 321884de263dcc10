import * as tf from "@tensorflow/tfjs";

/**
 * DMask (FBNetV2): a layer computes its widest output and multiplies it by Σ_j g_j · mask_j, where
 * mask_j keeps the first ch_j channels. The matrix rows are the mask_j, so the soft mask is g · M.
 */
export function maskMatrix(options: readonly number[], width: number): tf.Tensor2D {
  const rows = options.map((channels) =>
    Array.from({ length: width }, (_, i) => (i < channels ? 1 : 0)),
  );
  return tf.tensor2d(rows, [options.length, width]);
}

/** Each layer's soft mask, from its Gumbel weights over the options ([layers, options]). */
export function channelMasks(weights: tf.Tensor2D, masks: tf.Tensor2D): tf.Tensor1D[] {
  return tf.unstack(tf.matMul(weights, masks)) as tf.Tensor1D[];
}

/**
 * The authors' initial channel logits: per layer a Gaussian bump (σ = one option, the normal
 * density's height) centred on an option drawn uniformly at random, so every layer starts leaning
 * towards a different width instead of all options being equal. `seed` must not be 0 (tfjs
 * treats seed 0 as unseeded).
 */
export function initialChannelLogits(layers: number, options: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const centres = tf
      .floor(tf.randomUniform([layers, 1], 0, options, "float32", seed))
      .minimum(options - 1);
    const positions = tf.range(0, options).reshape([1, options]);
    const squared = tf.square(tf.sub(positions, centres));
    return tf.div(tf.exp(tf.mul(squared, -0.5)), Math.sqrt(2 * Math.PI)) as tf.Tensor2D;
  });
}
