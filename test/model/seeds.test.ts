import * as tf from "@tensorflow/tfjs";
import { describe, expect, it, vi } from "vitest";
import { createParams, disposeParams } from "../../src/model/params.js";
import { convLayers, planNetwork } from "../../src/model/plan.js";
import { uboostSpace } from "../../src/model/space.js";
import { tfSeed } from "../../src/model/tfSeed.js";

const plan = planNetwork(uboostSpace, {
  layout: [true, true],
  resolution: 8,
  inChannels: 3,
  stemChannels: 8,
  classes: 10,
});
const channels = Object.fromEntries([
  ["input", 3],
  ...convLayers(plan).map((layer) => [layer.slot, 8]),
]);

/** Every variable's values by key. */
function initialWeights(seed: number): Map<string, number[]> {
  const params = createParams(plan, channels, seed);
  const values = new Map([...params.named].map(([key, v]) => [key, [...v.dataSync()]]));
  disposeParams(params);
  return values;
}

describe("seeded initialisation", () => {
  it("tfjs draws seed 0 from Math.random; tfSeed keeps 0 a seed like any other", () => {
    const draw = (seed: number) => [...tf.randomNormal([64], 0, 1, "float32", seed).dataSync()];
    expect(draw(tfSeed(0))).toEqual(draw(tfSeed(0)));
    expect(draw(tfSeed(0))).not.toEqual(draw(tfSeed(1)));
    expect(tfSeed(7)).toBe(7);
  });

  it.each([0, 1, 5])("seed %i builds the same weights twice, without Math.random", (seed) => {
    const random = vi.spyOn(Math, "random");
    try {
      const first = initialWeights(seed);
      expect(initialWeights(seed)).toEqual(first);
      expect(random).not.toHaveBeenCalled();
    } finally {
      random.mockRestore();
    }
  });

  it("different seeds give different random weights (BN starts at constants either way)", () => {
    const zero = initialWeights(0);
    const one = initialWeights(1);
    const random = [...zero].filter(([, values]) => new Set(values).size > 1);
    expect(random.length).toBeGreaterThan(10);
    for (const [key, values] of random) expect(one.get(key), key).not.toEqual(values);
  });
});
