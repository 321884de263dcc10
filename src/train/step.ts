/** One optimization step: loss, gradients of the given variables, optimizer update. */
import * as tf from "@tensorflow/tfjs";
import type { Gradients, Sgd } from "./sgd.js";

export interface StepResult {
  loss: number;
  /** global gradient norm before clipping */
  gradNorm: number;
}

/**
 * Turns one rank's loss and gradients into the whole batch's (data-parallel training,
 * shards.ts); the step applies what it returns.
 */
export type CombineShares = (
  grads: tf.NamedTensorMap,
  loss: number,
) => { grads: Gradients; loss: number };

/** Everything `loss` allocates is released; only the variables change. */
export function trainStep(
  loss: () => tf.Scalar,
  variables: tf.Variable[],
  optimizer: Sgd,
  combine?: CombineShares,
): StepResult {
  const { value, grads } = tf.variableGrads(loss, variables);
  try {
    let lossValue = value.dataSync()[0];
    let applied: Gradients = grads;
    if (combine) ({ grads: applied, loss: lossValue } = combine(grads, lossValue));
    const gradNorm = optimizer.step(applied);
    return { loss: lossValue, gradNorm };
  } finally {
    tf.dispose(value);
    tf.dispose(grads);
  }
}
