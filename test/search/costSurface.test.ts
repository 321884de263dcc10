import { describe, expect, it } from "vitest";
import { type BlackboxTable, tableFormat } from "../../src/hw/blackbox/table.js";
import { modelContext } from "../../src/hw/models/index.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import type { Layer } from "../../src/layers/layer.js";
import { costSurface, searchModelNames } from "../../src/search/costSurface.js";

// A 1×1 conv measured at a 4×4 output, c and f ∈ {16, 32, 48}: cycles 100·(c index + 1) + 10·(f index + 1).
const table: BlackboxTable = {
  format: tableFormat,
  array: [128, 128],
  sramBytes: defaultSimConfig.sramBytes,
  bandwidthBytesPerSec: defaultSimConfig.bandwidthBytesPerSec,
  bytesPerOperand: defaultSimConfig.bytesPerOperand,
  channels: [16, 32, 48],
  batches: [1],
  dilation: 2,
  sections: [
    {
      type: "conv",
      kernel: 1,
      outSizes: [4],
      cycles: [110, 120, 130, 210, 220, 230, 310, 320, 330],
    },
  ],
};
const context = modelContext({ blackboxTable: table });
const conv = (c: number, f: number): Layer => ({
  name: "q",
  type: "conv",
  k1: 1,
  k2: 1,
  c,
  f,
  h: 4,
  w: 4,
  stride: 1,
  dilation: 1,
  batch: 1,
});

describe("blackbox search surfaces", () => {
  it("blackbox (the reference's): nearest measurement, no channel gradient", () => {
    const [point] = costSurface("blackbox", defaultSimConfig, context)([conv(30, 40)]);
    expect(point).toEqual({
      cycles: 230,
      macs: 16 * 30 * 40,
      dCyclesDc: 0,
      dCyclesDf: 0,
      dMacsDc: 0,
      dMacsDf: 0,
    });
  });

  it("blackbox-secant: secants over ±16 channels", () => {
    const [point] = costSurface("blackbox-secant", defaultSimConfig, context)([conv(32, 32)]);
    // c: 48 → 320, 16 → 120 over 32 channels; f: 48 → 230, 16 → 210
    expect(point.dCyclesDc).toBeCloseTo(200 / 32, 12);
    expect(point.dCyclesDf).toBeCloseTo(20 / 32, 12);
    expect(point.dMacsDc).toBeCloseTo(16 * 32, 9);
  });

  it("blackbox-secant: below 17 channels the span is measured from channel 1, not 2·16", () => {
    const [point] = costSurface("blackbox-secant", defaultSimConfig, context)([conv(8, 32)]);
    // c + 16 = 24 → grid 32 (a tie goes up): 220; max(1, 8 − 16) = 1 → grid 16: 120; span 23
    expect(point.dCyclesDc).toBeCloseTo(100 / 23, 12);
    // MACs are linear in c: the secant is the exact slope whatever the span
    expect(point.dMacsDc).toBeCloseTo(16 * 32, 9);
  });

  it("the search knows csim and both blackbox variants", () => {
    expect(searchModelNames).toEqual(
      expect.arrayContaining(["csim", "blackbox", "blackbox-secant"]),
    );
  });
});
