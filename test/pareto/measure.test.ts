import { describe, expect, it } from "vitest";
import { csimLayerCycles } from "../../src/hw/models/csim.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import { simulateNetwork } from "../../src/hw/simulator/simulate.js";
import { type ArchFile, archNetwork } from "../../src/model/archFile.js";
import { convLayers, planLayers, planNetwork } from "../../src/model/plan.js";
import { uboostSpace } from "../../src/model/space.js";
import { measureArch, measureText } from "../../src/pareto/measure.js";

const ops = [
  "conv3x3",
  "dws5x5",
  "zero",
  "zero",
  "dil3x3",
  "identity",
  "zero",
  "dws3x3",
  "conv5x5",
];
const shape = {
  layout: [true, true],
  resolution: 16,
  inChannels: 3,
  stemChannels: 16,
  classes: 10,
};

function arch(): ArchFile {
  const plan = planNetwork(uboostSpace, shape, ops);
  const channels = convLayers(plan).map((layer, i) => ({ slot: layer.slot, channels: 16 + 8 * i }));
  return {
    format: "uboost-arch/2",
    space: uboostSpace,
    shape,
    edges: uboostSpace.edges.map(([from, to], i) => ({ from, to, op: ops[i], probabilities: {} })),
    channels,
  };
}

describe("measuring a final network (pareto --measure)", () => {
  const { plan, channels } = archNetwork(arch());
  const layers = planLayers(plan, channels, 64);

  it("csim: the sum of its layers' csim cycles at batch 64, 1 GHz", () => {
    const cycles = layers.reduce((sum, l) => sum + csimLayerCycles(l, defaultSimConfig), 0);
    const measured = measureArch(arch(), { batch: 64, simulator: "csim" });
    expect(measured.runtimeUs).toBeCloseTo(cycles / 1e3, 9);
    expect(measured.utilization).toBeCloseTo((measured.macs * 64) / (cycles * 128 * 128), 12);
  });

  it("sim (the default): our simulator's network total, a different machine", () => {
    const simulated = simulateNetwork(layers, defaultSimConfig).total;
    const measured = measureArch(arch(), { batch: 64, simulator: "sim" });
    expect(measured.runtimeUs).toBeCloseTo(simulated.runtimeMs * 1e3, 9);
    const csim = measureArch(arch(), { batch: 64, simulator: "csim" });
    expect(csim.runtimeUs).not.toBeCloseTo(measured.runtimeUs, 0);
    expect(csim.macs).toBe(measured.macs);
  });

  it("says which simulator timed the table", () => {
    expect(measureText({ batch: 64, simulator: "csim" })).toMatch(/csim/);
    expect(measureText({ batch: 64, simulator: "sim" })).toBe(
      "128×128, 15 MiB SRAM, 80 GB/s, 1 GHz, batch 64",
    );
  });
});
