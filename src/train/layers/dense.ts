/** A fully connected layer: [batch, in] → [batch, out]. */
import * as tf from "@tensorflow/tfjs";
import { filled, heNormal, type SeedStream } from "./init.js";

export interface Dense {
  /** [in, out] */
  kernel: tf.Variable;
  /** [out] */
  bias: tf.Variable;
}

export function createDense(inFeatures: number, outFeatures: number, seeds: SeedStream): Dense {
  return {
    kernel: heNormal([inFeatures, outFeatures], inFeatures, seeds),
    bias: filled([outFeatures], 0),
  };
}

export function applyDense(layer: Dense, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.matMul(x, layer.kernel as tf.Tensor2D), layer.bias));
}
