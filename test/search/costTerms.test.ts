import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { costModels, modelContext } from "../../src/hw/models/index.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import { costSurface } from "../../src/search/costSurface.js";
import { channelCost, microCost } from "../../src/search/costTerms.js";
import { convLayers, networkLayers, planNetwork } from "../../src/search/network.js";
import { uboostSpace } from "../../src/search/space.js";

const hardware = { ...defaultSimConfig, arrayRows: 16, arrayCols: 16 };
const shape = { stacks: [1, 1], resolution: 8, inChannels: 3, classes: 10 };
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
const smoothMs = (layers: ReturnType<typeof networkLayers>) =>
  costModels.smooth.estimate(layers, hardware, context).reduce((sum, e) => sum + e.cycles, 0) / 1e6;

describe("stage cost terms", () => {
  it("micro: one-hot op weights cost exactly the chosen network", () => {
    const supernet = planNetwork(uboostSpace, shape);
    const slots = convLayers(supernet).map((l) => l.slot);
    const widths = { ...Object.fromEntries(slots.map((slot) => [slot, 12])), input: 3 };
    const cost = microCost(uboostSpace, supernet, widths, surface, hardware, 64);
    const oneHot = tf.tensor2d(chosen.map((op) => ops.map((name) => (name === op ? 1 : 0))));
    const latency = cost.evaluate(oneHot).latencyMs.dataSync()[0];
    const network = planNetwork(uboostSpace, shape, chosen);
    const networkWidths = {
      ...Object.fromEntries(convLayers(network).map((l) => [l.slot, 12])),
      input: 3,
    };
    expect(latency).toBeCloseTo(smoothMs(networkLayers(network, networkWidths, 64)), 6);
  });

  it("channel: integer soft counts cost the network with those channels (equalizers aside)", () => {
    const network = planNetwork(uboostSpace, shape, chosen);
    const slots = convLayers(network).map((l) => l.slot);
    const counts = slots.map((_, i) => 8 + 4 * (i % 3));
    const cost = channelCost(network, slots, 16, 3, surface, hardware, 64);
    const latency = cost.evaluate(tf.tensor1d(counts)).latencyMs.dataSync()[0];
    const widths = { ...Object.fromEntries(slots.map((slot, i) => [slot, counts[i]])), input: 3 };
    const layers = networkLayers(network, widths, 64).filter((l) => !l.name.includes(".eq_"));
    expect(latency).toBeCloseTo(smoothMs(layers), 6);
  });
});
