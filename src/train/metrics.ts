import * as tf from "@tensorflow/tfjs";

/** Mean softmax cross-entropy of logits against integer labels. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const classes = logits.shape[1];
  return tf.losses.softmaxCrossEntropy(
    tf.oneHot(tf.cast(labels, "int32"), classes),
    logits,
  ) as tf.Scalar;
}

/** Number of rows whose largest logit is the label. */
export function correctCount(logits: tf.Tensor2D, labels: tf.Tensor1D): number {
  return tf.tidy(
    () =>
      tf
        .sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, "int32")), "int32"))
        .dataSync()[0],
  );
}
