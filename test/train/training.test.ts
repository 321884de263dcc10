/** A derived network with every op type, trained a few steps on wasm as `uboost train` trains. */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, expect, it } from "vitest";
import { applyStatistics, type StatisticsLog } from "../../src/model/batchNorm.js";
import { forward } from "../../src/model/forward.js";
import { softmaxCrossEntropy } from "../../src/model/ops/crossEntropy.js";
import { createParams, disposeParams, trainableVariables } from "../../src/model/params.js";
import { convLayers, planNetwork } from "../../src/model/plan.js";
import { uboostSpace } from "../../src/model/space.js";
import { selectBackend } from "../../src/train/backend.js";
import { createSgd } from "../../src/train/sgd.js";
import { trainStep } from "../../src/train/step.js";
import { everyOpEdges } from "../model/fixtures.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

it("fits a fixed batch with every op type, leaking no tensors", () => {
  // Two stages (a stride-2 pre layer and max-pools), every op of the space on some edge, and
  // unequal widths so nodes need 1×1 equalizers.
  const shape = {
    layout: [true, false],
    resolution: 12,
    inChannels: 3,
    stemChannels: 6,
    classes: 4,
  };
  const plan = planNetwork(uboostSpace, shape, everyOpEdges);
  const channels: Record<string, number> = { input: 3 };
  convLayers(plan).forEach((layer, i) => {
    channels[layer.slot] = 6 + 2 * (i % 2);
  });
  const params = createParams(plan, channels, 7);
  expect(params.equalizers.size).toBeGreaterThan(0);
  const x = tf.randomNormal([8, 12, 12, 3], 0, 1, "float32", 1) as tf.Tensor4D;
  const labels = tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], "int32");
  const variables = trainableVariables(params);
  const sgd = createSgd(variables, { learningRate: 0.05, momentum: 0.9, maxGradNorm: 5 });
  const step = () => {
    const statistics: StatisticsLog = [];
    const loss = () =>
      softmaxCrossEntropy(forward(uboostSpace, plan, params, x, { statistics }), labels);
    const result = trainStep(loss, variables, sgd);
    applyStatistics(statistics);
    return result;
  };
  const first = step();
  const tensors = tf.memory().numTensors;
  let last = first;
  for (let i = 0; i < 15; i++) {
    last = step();
    expect(tf.memory().numTensors).toBe(tensors);
  }
  expect(Number.isFinite(first.gradNorm) && first.gradNorm > 0).toBe(true);
  expect(last.loss).toBeLessThan(first.loss * 0.5);
  sgd.dispose();
  disposeParams(params);
  tf.dispose([x, labels]);
});
