/**
 * Batch norm with PyTorch's BatchNorm2d semantics: in training, normalize with the batch's
 * statistics and move the running averages by `momentum` (the variance's unbiased); in
 * evaluation, normalize with the running averages. `affine: false` (DARTS's search-time setting)
 * keeps γ = 1 and β = 0 as non-trainable variables.
 */
import * as tf from "@tensorflow/tfjs";
import { type BatchStatistics, batchNormTrain } from "../ops/batchNorm.js";
import { channelAffine } from "../ops/channelOps.js";
import { filled } from "./init.js";

export interface BatchNormSpec {
  channels: number;
  /** default true */
  affine?: boolean;
  /** weight of the newest batch in the running averages (default 0.1) */
  momentum?: number;
  /** default 1e-5 */
  epsilon?: number;
}

export interface BatchNorm {
  momentum: number;
  epsilon: number;
  gamma: tf.Variable;
  beta: tf.Variable;
  runningMean: tf.Variable;
  runningVariance: tf.Variable;
}

export function createBatchNorm(spec: BatchNormSpec): BatchNorm {
  const { channels, affine = true } = spec;
  return {
    momentum: spec.momentum ?? 0.1,
    epsilon: spec.epsilon ?? 1e-5,
    gamma: filled([channels], 1, affine),
    beta: filled([channels], 0, affine),
    runningMean: filled([channels], 0, false),
    runningVariance: filled([channels], 1, false),
  };
}

export function applyBatchNorm(layer: BatchNorm, x: tf.Tensor4D, training: boolean): tf.Tensor4D {
  const gamma = layer.gamma as tf.Tensor1D;
  const beta = layer.beta as tf.Tensor1D;
  if (!training) {
    return tf.tidy(() => {
      const scale = tf.mul(gamma, tf.rsqrt(tf.add(layer.runningVariance, layer.epsilon)));
      return channelAffine(x, scale, tf.sub(beta, tf.mul(layer.runningMean, scale)));
    });
  }
  return batchNormTrain(x, gamma, beta, layer.epsilon, (statistics) =>
    updateRunningStatistics(layer, statistics),
  );
}

function updateRunningStatistics(layer: BatchNorm, { mean, variance, count }: BatchStatistics) {
  tf.tidy(() => {
    const m = layer.momentum;
    const unbiased = tf.mul(variance, count / Math.max(1, count - 1));
    layer.runningMean.assign(tf.add(tf.mul(layer.runningMean, 1 - m), tf.mul(mean, m)));
    layer.runningVariance.assign(tf.add(tf.mul(layer.runningVariance, 1 - m), tf.mul(unbiased, m)));
  });
}
