/** One optimization step: loss, gradients of the given variables, optimizer update. */
import * as tf from "@tensorflow/tfjs";
import type { Sgd } from "./sgd.js";

export interface StepResult {
  loss: number;
  /** global gradient norm before clipping */
  gradNorm: number;
}

/** Everything `loss` allocates is released; only the variables change. */
export function trainStep(
  loss: () => tf.Scalar,
  variables: tf.Variable[],
  optimizer: Sgd,
): StepResult {
  const { value, grads } = tf.variableGrads(loss, variables);
  try {
    const gradNorm = optimizer.step(grads);
    return { loss: value.dataSync()[0], gradNorm };
  } finally {
    tf.dispose(value);
    tf.dispose(grads);
  }
}
