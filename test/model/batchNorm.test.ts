import * as tf from "@tensorflow/tfjs";
import { beforeAll, expect, it } from "vitest";
import {
  applyStatistics,
  batchNorm,
  createBatchNorm,
  type StatisticsLog,
} from "../../src/model/batchNorm.js";
import { selectBackend } from "../../src/train/backend.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

it("normalizes with the batch's statistics in training and moves the running ones by 0.1", () => {
  const variables: tf.Variable[] = [];
  const variable = (key: string, value: tf.Tensor1D, trainable = true) => {
    const v = tf.variable(value, trainable, `bn-test/${key}`) as tf.Variable<tf.Rank.R1>;
    variables.push(v);
    return v;
  };
  const params = createBatchNorm("bn", 1, variable);
  const x = tf.tensor4d([1, 2, 3, 6], [1, 2, 2, 1]); // mean 3, biased variance 3.5
  const log: StatisticsLog = [];
  const y = batchNorm(x, params, log);
  expect(Array.from(y.dataSync())).toEqual(
    [-2, -1, 0, 3].map((v) => expect.closeTo(v / Math.sqrt(3.5 + 1e-5), 5)),
  );
  applyStatistics(log);
  expect(log).toHaveLength(0);
  // The running variance averages the batch's biased variance.
  expect(params.runningMean.dataSync()[0]).toBeCloseTo(0.9 * 0 + 0.1 * 3, 6);
  expect(params.runningVariance.dataSync()[0]).toBeCloseTo(0.9 * 1 + 0.1 * 3.5, 6);
  const evaluated = batchNorm(x, params);
  expect(evaluated.dataSync()[3]).toBeCloseTo((6 - 0.3) / Math.sqrt(1.25 + 1e-5), 5);
  tf.dispose([x, y, evaluated, ...variables]);
});

it("moves the running statistics to the bits tfjs's mul, mul, add give", () => {
  const channels = 37;
  const variables: tf.Variable[] = [];
  const variable = (key: string, value: tf.Tensor1D, trainable = true) => {
    const v = tf.variable(value, trainable, `bn-bits/${key}`) as tf.Variable<tf.Rank.R1>;
    variables.push(v);
    return v;
  };
  const params = createBatchNorm("bn", channels, variable);
  const start = tf.randomNormal([channels], 0, 3, "float32", 5) as tf.Tensor1D;
  params.runningMean.assign(start);
  const mean = tf.randomNormal([channels], 0, 100, "float32", 6).dataSync() as Float32Array;
  const variance = tf.randomUniform([channels], 0, 1e-3, "float32", 7).dataSync() as Float32Array;
  const expected = tf.tidy(() => ({
    mean: start.mul(0.9).add(tf.tensor1d(mean).mul(0.1)).dataSync(),
    variance: tf.ones([channels]).mul(0.9).add(tf.tensor1d(variance).mul(0.1)).dataSync(),
  }));
  applyStatistics([{ params, mean, variance }]);
  expect(Array.from(params.runningMean.dataSync())).toEqual(Array.from(expected.mean));
  expect(Array.from(params.runningVariance.dataSync())).toEqual(Array.from(expected.variance));
  tf.dispose([start, ...variables]);
});
