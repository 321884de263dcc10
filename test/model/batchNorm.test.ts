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
