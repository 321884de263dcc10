import { describe, expect, it } from "vitest";
import { costModels, modelContext } from "../../src/hw/models/index.js";
import { defaultSimConfig, type SimConfig } from "../../src/hw/simulator/config.js";
import { simulateLayer } from "../../src/hw/simulator/simulate.js";
import type { Layer } from "../../src/layers/layer.js";
import { zooNames, zooNetwork } from "../../src/zoo/index.js";

const context = modelContext();
const computeOnly = (rows: number, cols: number): SimConfig => ({
  ...defaultSimConfig,
  arrayRows: rows,
  arrayCols: cols,
  sramBytes: Number.POSITIVE_INFINITY,
  bandwidthBytesPerSec: Number.POSITIVE_INFINITY,
});

describe("pipelined model (WASM engine) against the simulator's compute cycles", () => {
  it("the paper's model is off by more than 10× at batch 1 with a 4×4 output on 128×128", () => {
    const layer: Layer = {
      name: "small",
      type: "conv",
      k1: 3,
      k2: 3,
      c: 128,
      f: 128,
      h: 4,
      w: 4,
      stride: 1,
      dilation: 1,
      batch: 1,
    };
    const hardware = computeOnly(128, 128);
    const [paper] = costModels.systolic.estimate([layer], hardware, context);
    const [pipelined] = costModels.pipelined.estimate([layer], hardware, context);
    const simulated = simulateLayer(layer, hardware).computeCycles;
    expect(paper.cycles).toBe(9 * 16);
    expect(simulated / paper.cycles).toBeGreaterThan(10);
    expect(pipelined.cycles).toBe(simulated);
  });

  for (const [rows, cols] of [
    [128, 128],
    [32, 32],
    [128, 64],
    [16, 48],
  ]) {
    it(`agrees within 1% (here: exactly) on every zoo layer, ${rows}×${cols}, batch 1 and 64`, () => {
      const hardware = computeOnly(rows, cols);
      for (const name of zooNames()) {
        for (const batch of [1, 64]) {
          const layers = zooNetwork(name, batch);
          const estimates = costModels.pipelined.estimate(layers, hardware, context);
          layers.forEach((layer, i) => {
            const simulated = simulateLayer(layer, hardware).computeCycles;
            expect(Math.abs(estimates[i].cycles - simulated)).toBeLessThanOrEqual(0.01 * simulated);
            expect(estimates[i].cycles).toBe(simulated);
          });
        }
      }
    });
  }

  it("its smooth relaxation stays within a few percent of the exact pipelined cycles", () => {
    const hardware = computeOnly(128, 128);
    const layers = zooNetwork("resnet50", 64);
    const exact = costModels.pipelined.estimate(layers, hardware, context);
    const smooth = costModels["pipelined-smooth"].estimate(layers, hardware, context);
    const total = (xs: { cycles: number }[]) => xs.reduce((sum, x) => sum + x.cycles, 0);
    expect(Math.abs(total(smooth) / total(exact) - 1)).toBeLessThan(0.05);
  });
});
