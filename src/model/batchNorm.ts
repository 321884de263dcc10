import * as tf from "@tensorflow/tfjs";
import { batchNormTrain } from "./ops/batchNorm.js";

/** Batch norm over N, H, W with learned scale/shift and running statistics for evaluation. */
export interface BatchNormParams {
  gamma: tf.Variable<tf.Rank.R1>;
  beta: tf.Variable<tf.Rank.R1>;
  runningMean: tf.Variable<tf.Rank.R1>;
  runningVariance: tf.Variable<tf.Rank.R1>;
}

/** tfjs batchNorm4d's variance epsilon; the ONNX export writes the same. */
export const batchNormEpsilon = 1e-5;
const momentum = 0.1;

type MakeVariable = (
  key: string,
  value: tf.Tensor1D,
  trainable?: boolean,
) => tf.Variable<tf.Rank.R1>;

export function createBatchNorm(
  name: string,
  channels: number,
  variable: MakeVariable,
): BatchNormParams {
  return {
    gamma: variable(`${name}.gamma`, tf.ones([channels])),
    beta: variable(`${name}.beta`, tf.zeros([channels])),
    runningMean: variable(`${name}.running_mean`, tf.zeros([channels]), false),
    runningVariance: variable(`${name}.running_var`, tf.ones([channels]), false),
  };
}

/**
 * Pending running-statistics updates: batch moments seen in a training forward pass, applied
 * after the step (assigning variables inside a gradient tape would tie them to the tape).
 */
export type StatisticsLog = { params: BatchNormParams; mean: tf.Tensor1D; variance: tf.Tensor1D }[];

export function batchNorm(
  x: tf.Tensor4D,
  params: BatchNormParams,
  log?: StatisticsLog,
): tf.Tensor4D {
  if (!log) {
    return tf.batchNorm4d(
      x,
      params.runningMean,
      params.runningVariance,
      params.beta,
      params.gamma,
      batchNormEpsilon,
    );
  }
  // The statistics live only inside the forward pass: keep copies for the running averages.
  return batchNormTrain(x, params.gamma, params.beta, batchNormEpsilon, ({ mean, variance }) => {
    log.push({ params, mean: tf.keep(mean.clone()), variance: tf.keep(variance.clone()) });
  });
}

export function applyStatistics(log: StatisticsLog): void {
  tf.tidy(() => {
    for (const { params, mean, variance } of log) {
      params.runningMean.assign(params.runningMean.mul(1 - momentum).add(mean.mul(momentum)));
      params.runningVariance.assign(
        params.runningVariance.mul(1 - momentum).add(variance.mul(momentum)),
      );
    }
  });
  discardStatistics(log);
}

export function discardStatistics(log: StatisticsLog): void {
  for (const { mean, variance } of log) tf.dispose([mean, variance]);
  log.length = 0;
}
