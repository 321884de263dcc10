import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { costModelByName, costModels, modelContext } from "../../src/hw/models/index.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import type { Layer } from "../../src/layers/layer.js";

const context = modelContext();
const conv: Layer = {
  name: "c",
  type: "conv",
  k1: 3,
  k2: 3,
  c: 128,
  f: 256,
  h: 32,
  w: 32,
  stride: 1,
  dilation: 1,
  batch: 1,
};
const pool: Layer = { ...conv, name: "p", type: "pool", f: 128 };

describe("baseline cost models on hand-computed cases (128×128, 1 GHz)", () => {
  it("flops: MACs / 16384 PEs, utilization 1", () => {
    const [estimate] = costModels.flops.estimate([conv], defaultSimConfig, context);
    // 32·32 · 9·128 · 256 = 301,989,888 MACs
    expect(estimate).toEqual({ macs: 301989888, cycles: 301989888 / 16384, util: 1 });
  });

  // bf16 bytes: weights 9·128·256 = 294,912; input 34·34·128 = 147,968 (3×3 window over a 32×32
  // output needs 34 rows and columns); output 32·32·256 = 262,144 → 704,... elements · 2 B.
  const bytes = (294912 + 147968 + 262144) * 2;
  it("roofline: compute-bound at 80 GB/s", () => {
    const [estimate] = costModels.roofline.estimate([conv], defaultSimConfig, context);
    expect(bytes / 80).toBeLessThan(18432); // 80 bytes per cycle
    expect(estimate.cycles).toBe(18432);
    expect(estimate.util).toBe(1);
  });
  it("roofline: memory-bound at 20 GB/s", () => {
    const hardware = { ...defaultSimConfig, bandwidthBytesPerSec: 20e9 };
    const [estimate] = costModels.roofline.estimate([conv], hardware, context);
    expect(estimate.cycles).toBeCloseTo(bytes / 20, 6);
    expect(estimate.util).toBeCloseTo(301989888 / (16384 * (bytes / 20)), 12);
  });
  it("every model: a pool costs nothing and counts as fully utilized", () => {
    for (const name of Object.keys(costModels) as (keyof typeof costModels)[]) {
      const [estimate] = costModels[name].estimate([pool], defaultSimConfig, context);
      expect(estimate, name).toMatchObject({ macs: 0, cycles: 0, util: 1 });
    }
  });
  it("an unknown model name is an InputError naming the flag", () => {
    expect(() => costModelByName("tpu")).toThrow(InputError);
    expect(() => costModelByName("tpu")).toThrow(/--model: unknown cost model "tpu"/);
  });
});
