import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { costModels, modelContext } from "../../src/hw/models/index.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import { convLayers, planLayers, planNetwork } from "../../src/model/plan.js";
import { uboostSpace } from "../../src/model/space.js";
import { costSurface } from "../../src/search/costSurface.js";
import { channelCost, microCost } from "../../src/search/costTerms.js";

const hardware = { ...defaultSimConfig, arrayRows: 16, arrayCols: 16 };
const shape = { layout: [true, true], resolution: 8, inChannels: 3, stemChannels: 8, classes: 10 };
const context = modelContext();
const surface = costSurface("systolic", hardware, context);
const ops = Object.keys(uboostSpace.ops);
const chosen = [
  "conv3x3",
  "dws5x5",
  "identity",
  "dil3x3",
  "zero",
  "conv5x5",
  "identity",
  "zero",
  "dws3x3",
];
const smoothMs = (layers: ReturnType<typeof planLayers>) =>
  costModels.smooth.estimate(layers, hardware, context).reduce((sum, e) => sum + e.cycles, 0) / 1e6;
const oneHot = (options: readonly number[], counts: number[]) =>
  tf.tensor2d(counts.map((count) => options.map((option) => (option === count ? 1 : 0))));

describe("network cost terms", () => {
  it("micro: one-hot op weights cost exactly the chosen network", () => {
    const supernet = planNetwork(uboostSpace, shape);
    const slots = convLayers(supernet).map((l) => l.slot);
    const widths = { ...Object.fromEntries(slots.map((slot) => [slot, 12])), input: 3 };
    const cost = microCost(uboostSpace, supernet, widths, surface, hardware, 64, "network");
    const weights = tf.tensor2d(chosen.map((op) => ops.map((name) => (name === op ? 1 : 0))));
    const latency = cost.evaluate(weights).latencyMs.dataSync()[0];
    const network = planNetwork(uboostSpace, shape, chosen);
    const networkWidths = {
      ...Object.fromEntries(convLayers(network).map((l) => [l.slot, 12])),
      input: 3,
    };
    expect(latency).toBeCloseTo(smoothMs(planLayers(network, networkWidths, 64)), 6);
  });

  it("channel: one-hot channel weights cost the network with those channels (equalizers aside)", () => {
    const network = planNetwork(uboostSpace, shape, chosen);
    const slots = convLayers(network).map((l) => l.slot);
    const options = [8, 12, 16];
    const counts = slots.map((_, i) => options[i % 3]);
    const search = { slots, options, fixed: { input: 3 } };
    const cost = channelCost(uboostSpace, network, search, surface, hardware, 64, "network");
    const latency = cost.evaluate(oneHot(options, counts)).latencyMs.dataSync()[0];
    const widths = { ...Object.fromEntries(slots.map((slot, i) => [slot, counts[i]])), input: 3 };
    const layers = planLayers(network, widths, 64).filter((l) => !l.name.includes(".eq_"));
    expect(latency).toBeCloseTo(smoothMs(layers), 6);
  });
});

describe("reference cost terms", () => {
  const network = planNetwork(uboostSpace, shape, chosen);
  const slots = convLayers(network).map((l) => l.slot);
  const options = [8, 12, 16, 20];
  const search = { slots, options, fixed: { input: 3 } };

  it("channel: gradients w.r.t. the channel weights match central differences", () => {
    const cost = channelCost(uboostSpace, network, search, surface, hardware, 64, "reference");
    const loss = (weights: tf.Tensor2D) => {
      const { latencyMs, util } = cost.evaluate(weights);
      return tf.sub(tf.mul(latencyMs, 2), tf.mul(util, 3)) as tf.Scalar;
    };
    const base = slots.map((_, i) => options.map((_, j) => 0.1 + ((i * 7 + j * 3) % 5) / 10));
    const grads = tf.tidy(() =>
      tf
        .grad((w: tf.Tensor) => loss(w as tf.Tensor2D))(tf.tensor2d(base))
        .arraySync(),
    ) as number[][];
    const at = (weights: number[][]) => tf.tidy(() => loss(tf.tensor2d(weights)).dataSync()[0]);
    for (const [i, j] of [
      [1, 0],
      [1, 3],
      [2, 1],
      [slots.length - 1, 2],
    ]) {
      const shifted = (delta: number) =>
        at(base.map((row, r) => row.map((w, c) => (r === i && c === j ? w + delta : w))));
      // Small steps: the smooth ceiling bends within a tenth of a channel.
      const numeric = (shifted(1e-3) - shifted(-1e-3)) / 2e-3;
      const scale = Math.max(Math.abs(numeric), Math.abs(grads[i][j]), 1e-3);
      expect(Math.abs(grads[i][j] - numeric) / scale, `slot ${i} option ${j}`).toBeLessThan(0.05);
    }
  });

  // With a one-hot identity or zero, an edge's mean over its conv ops is 0/0: Gumbel weights
  // are never exactly one-hot, so the search never meets that case; this test avoids it.
  const convsOnly = chosen.map((op) => (op === "identity" || op === "zero" ? "dil5x5" : op));

  it("micro: one-hot op weights give each cell its blocks' sum and mean", () => {
    const supernet = planNetwork(uboostSpace, shape);
    const widths = {
      input: 3,
      ...Object.fromEntries(convLayers(supernet).map((l) => [l.slot, 12])),
    };
    const cost = microCost(uboostSpace, supernet, widths, surface, hardware, 64, "reference");
    const weights = tf.tensor2d(convsOnly.map((op) => ops.map((name) => (name === op ? 1 : 0))));
    const [latency, util] = tf.tidy(() => {
      const terms = cost.evaluate(weights);
      return [terms.latencyMs.dataSync()[0], terms.util.dataSync()[0]];
    });
    // By hand from the smooth model: every cell's pre-convs and live edges, a separable conv
    // as depthwise + pointwise; the supernet keeps both pre-convs and all edges' blocks.
    const plain = planNetwork(uboostSpace, shape, convsOnly);
    const plainWidths = {
      input: 3,
      ...Object.fromEntries(convLayers(plain).map((l) => [l.slot, 12])),
    };
    const layers = planLayers(plain, plainWidths, 64);
    let expectedLatency = 0;
    let expectedUtil = 0;
    for (const cell of plain.cells) {
      const blocks = cell.layers.map((planned) => {
        const layer = layers.find((l) => l.name === planned.name) as (typeof layers)[number];
        const parts =
          layer.type === "dws"
            ? [
                { ...layer, type: "dwconv" as const, f: layer.c },
                { ...layer, type: "conv" as const, k1: 1, k2: 1 },
              ]
            : [layer];
        const estimates = costModels.smooth.estimate(parts, hardware, context);
        const ms = estimates.reduce((sum, e) => sum + e.cycles, 0) / 1e6;
        const u =
          estimates.reduce((sum, e) => sum + e.macs / (e.cycles * 256), 0) / estimates.length;
        return { ms, u };
      });
      expectedLatency += blocks.reduce((sum, b) => sum + b.ms, 0);
      expectedUtil += blocks.reduce((sum, b) => sum + b.u, 0) / blocks.length;
    }
    expect(latency).toBeCloseTo(expectedLatency, 4);
    expect(util).toBeCloseTo(expectedUtil, 4);
  });
});
