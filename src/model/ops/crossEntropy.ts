/** Mean softmax cross-entropy of logits [batch, classes] against integer labels [batch]. */
import * as tf from "@tensorflow/tfjs";

export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const targets = tf.oneHot(tf.cast(labels, "int32"), logits.shape[1]);
    return tf.losses.softmaxCrossEntropy(targets, logits) as tf.Scalar;
  });
}
