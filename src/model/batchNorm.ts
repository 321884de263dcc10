import * as tf from "@tensorflow/tfjs";
import { heapValues } from "./heapValues.js";
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
 * Pending running-statistics updates: batch moments seen in a training forward pass (host
 * values), applied after the step (assigning variables inside a gradient tape would tie them to
 * the tape).
 */
export type StatisticsLog = {
  params: BatchNormParams;
  mean: Float32Array;
  variance: Float32Array;
}[];

/**
 * Batch norm, then ReLU when `relu` (every conv of the model builder is followed by both): with
 * a statistics log the batch's statistics (training), else the running ones.
 */
export function batchNorm(
  x: tf.Tensor4D,
  params: BatchNormParams,
  log?: StatisticsLog,
  relu = false,
): tf.Tensor4D {
  if (!log) {
    return tf.tidy(() => {
      const normalized = tf.batchNorm4d(
        x,
        params.runningMean,
        params.runningVariance,
        params.beta,
        params.gamma,
        batchNormEpsilon,
      );
      return relu ? tf.relu(normalized) : normalized;
    });
  }
  return batchNormTrain(x, params.gamma, params.beta, {
    epsilon: batchNormEpsilon,
    relu,
    onStatistics: ({ mean, variance }) => log.push({ params, mean, variance }),
  });
}

/**
 * running ← (1 − momentum)·running + momentum·batch, rounded to float32 after each operation as
 * the tfjs ops (mul, mul, add) that did it before rounded: the same bits.
 */
export function applyStatistics(log: StatisticsLog): void {
  for (const { params, mean, variance } of log) {
    moveAverage(params.runningMean, mean);
    moveAverage(params.runningVariance, variance);
  }
  log.length = 0;
}

const keep = Math.fround(1 - momentum);
const take = Math.fround(momentum);

function moveAverage(running: tf.Variable, batch: Float32Array): void {
  const current = heapValues(running);
  const next = new Float32Array(current.length);
  for (let i = 0; i < next.length; i++) {
    next[i] = Math.fround(current[i] * keep) + Math.fround(batch[i] * take);
  }
  tf.tidy(() => running.assign(tf.tensor(next, running.shape)));
}
