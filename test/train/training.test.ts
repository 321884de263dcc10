/** A small conv network trained a few steps on wasm with the building blocks the search uses. */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, expect, it } from "vitest";
import { selectBackend } from "../../src/train/backend.js";
import { applyBatchNorm, createBatchNorm } from "../../src/train/layers/batchNorm.js";
import { applyConv, createConv } from "../../src/train/layers/conv.js";
import { applyConvBnRelu, createConvBnRelu } from "../../src/train/layers/convBnRelu.js";
import { applyDense, createDense } from "../../src/train/layers/dense.js";
import { applyDepthwiseConv, createDepthwiseConv } from "../../src/train/layers/depthwiseConv.js";
import { seedStream } from "../../src/train/layers/init.js";
import { collectVariables } from "../../src/train/layers/variables.js";
import { softmaxCrossEntropy } from "../../src/train/ops/crossEntropy.js";
import { maxPool } from "../../src/train/ops/maxPool.js";
import { createSgd } from "../../src/train/sgd.js";
import { trainStep } from "../../src/train/step.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

it("fits a fixed batch with every op type, leaking no tensors", () => {
  const seeds = seedStream(7);
  const channels = 8;
  const layers = {
    stem: createConvBnRelu({ inChannels: 3, outChannels: channels, kernel: 3 }, seeds),
    dilated: createConv(
      { inChannels: channels, outChannels: channels, kernel: 3, dilation: 2 },
      seeds,
    ),
    depthwise: createDepthwiseConv({ channels, kernel: 5 }, seeds),
    pointwise: createConv({ inChannels: channels, outChannels: channels, kernel: 1 }, seeds),
    bn: createBatchNorm({ channels, affine: false }),
    reduce: createConvBnRelu(
      { inChannels: channels, outChannels: channels, kernel: 3, strides: 2 },
      seeds,
    ),
    classifier: createDense(channels, 4, seeds),
  };
  const forward = (x: tf.Tensor4D) => {
    const h = applyConvBnRelu(layers.stem, x, true);
    const separable = applyConv(layers.pointwise, applyDepthwiseConv(layers.depthwise, h));
    const mixed = tf.addN([
      applyBatchNorm(layers.bn, applyConv(layers.dilated, h), true),
      applyBatchNorm(layers.bn, separable, true),
      maxPool(h, { size: 3, strides: 1 }),
    ]);
    const reduced = maxPool(applyConvBnRelu(layers.reduce, tf.relu(mixed), true), { size: 2 });
    return applyDense(layers.classifier, tf.mean(reduced, [1, 2]) as tf.Tensor2D);
  };
  const x = tf.randomNormal([8, 12, 12, 3], 0, 1, "float32", 1) as tf.Tensor4D;
  const labels = tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], "int32");
  const variables = collectVariables(layers);
  expect(variables.length).toBe(11); // conv-BN-ReLU 3 each, 3 filters, dense 2; affine: false has none
  const sgd = createSgd(variables, { learningRate: 0.05, momentum: 0.9, maxGradNorm: 5 });
  const loss = () => softmaxCrossEntropy(forward(x), labels);
  const first = trainStep(loss, variables, sgd);
  const tensors = tf.memory().numTensors;
  let last = first;
  for (let step = 0; step < 15; step++) {
    last = trainStep(loss, variables, sgd);
    expect(tf.memory().numTensors).toBe(tensors);
  }
  expect(Number.isFinite(first.gradNorm) && first.gradNorm > 0).toBe(true);
  expect(last.loss).toBeLessThan(first.loss * 0.5);
  sgd.dispose();
  tf.dispose([x, labels, ...collectVariables(layers, false)]);
});
