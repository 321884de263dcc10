import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { forward } from "../../src/model/forward.js";
import { createParams, disposeParams, trainableVariables } from "../../src/model/params.js";
import { convLayers, planNetwork } from "../../src/model/plan.js";
import { uboostSpace } from "../../src/model/space.js";
import { everyOpEdges } from "./fixtures.js";

const shape = { layout: [true, true], resolution: 8, inChannels: 3, stemChannels: 8, classes: 10 };
const images = () => tf.randomNormal([4, 8, 8, 3], 0, 1, "float32", 1) as tf.Tensor4D;
const slotsOf = (plan: ReturnType<typeof planNetwork>) => convLayers(plan).map((l) => l.slot);

describe("network model", () => {
  it("the microarchitecture supernet mixes every op on every edge and trains all of them", () => {
    const plan = planNetwork(uboostSpace, shape);
    const channels = Object.fromEntries(slotsOf(plan).map((slot) => [slot, 8]));
    const params = createParams(plan, { ...channels, input: 3 }, 0);
    const opCount = Object.keys(uboostSpace.ops).length;
    const opWeights = tf.fill([uboostSpace.edges.length, opCount], 1 / opCount) as tf.Tensor2D;
    const variables = trainableVariables(params);
    const { value, grads } = tf.variableGrads(
      () =>
        tf.mean(
          forward(uboostSpace, plan, params, images(), { statistics: [], opWeights }),
        ) as tf.Scalar,
      variables,
    );
    expect(value.shape).toEqual([]);
    // every conv of every op gets a gradient
    expect(Object.keys(grads)).toHaveLength(variables.length);
    disposeParams(params);
  });

  it("channel search: the mask scales the conv output before BN and ReLU", () => {
    const edgeOps = uboostSpace.edges.map(() => "conv3x3");
    const plan = planNetwork(uboostSpace, shape, edgeOps);
    const channels = Object.fromEntries(slotsOf(plan).map((slot) => [slot, 12]));
    const params = createParams(plan, { ...channels, input: 3 }, 0);
    const keepFour = tf.tensor1d(Array.from({ length: 12 }, (_, i) => (i < 4 ? 1 : 0)));
    const masks = new Map(slotsOf(plan).map((slot) => [slot, keepFour]));
    const logits = forward(uboostSpace, plan, params, images(), { masks });
    expect(logits.shape).toEqual([4, 10]);
    // Narrowed to 4 channels, the conv outputs are zero beyond channel 3, and so are BN's (its
    // shift starts at 0) and ReLU's: the classifier rows for channels 4..11 cannot change the logits.
    const before = logits.arraySync() as number[][];
    const weights = params.classifier.weights;
    weights.assign(tf.concat([weights.slice([0, 0], [4, 10]), tf.fill([8, 10], 7)]));
    const after = forward(uboostSpace, plan, params, images(), { masks }).arraySync() as number[][];
    after.forEach((row, r) => {
      row.forEach((value, c) => {
        expect(value).toBeCloseTo(before[r][c], 4);
      });
    });
    // Before BN: in training mode BN undoes a uniform scale, so a half mask changes nothing
    // (after ReLU it would halve every feature).
    const scaled = (value: number) => {
      const uniform = new Map(
        [...masks].map(([slot]) => [slot, tf.fill([12], value) as tf.Tensor1D]),
      );
      const out = forward(uboostSpace, plan, params, images(), { masks: uniform, statistics: [] });
      return out.arraySync() as number[][];
    };
    const full = scaled(1);
    scaled(0.5).forEach((row, r) => {
      row.forEach((value, c) => {
        expect(Math.abs(value - full[r][c]) / Math.abs(full[r][c])).toBeLessThan(1e-4);
      });
    });
    // and a mask of all zeros leaves only the bias
    const zeroMasks = new Map([...masks].map(([slot]) => [slot, tf.zeros([12]) as tf.Tensor1D]));
    const zeroed = forward(uboostSpace, plan, params, images(), { masks: zeroMasks });
    const bias = params.classifier.bias.arraySync();
    for (const row of zeroed.arraySync() as number[][]) {
      row.forEach((value, c) => {
        expect(value).toBeCloseTo(bias[c], 6);
      });
    }
    disposeParams(params);
  });

  it("the final network equalizes narrower node inputs with 1×1 convs", () => {
    const plan = planNetwork(uboostSpace, shape, everyOpEdges);
    const channels = Object.fromEntries(slotsOf(plan).map((slot, i) => [slot, 4 + 2 * (i % 3)]));
    const params = createParams(plan, { ...channels, input: 3 }, 0);
    expect(params.equalizers.size).toBeGreaterThan(0);
    expect(forward(uboostSpace, plan, params, images(), {}).shape).toEqual([4, 10]);
    disposeParams(params);
  });
});
