import { existsSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readMeasuredLayers } from "../../src/fidelity/measurements.js";
import {
  csimBytesPerCycle,
  csimLayerCycles,
  foldStep,
  lastFoldCycles,
} from "../../src/hw/models/csim.js";
import { csimSmoothLayer } from "../../src/hw/models/csimSmooth.js";
import { costModels, modelContext } from "../../src/hw/models/index.js";
import { defaultSimConfig, type SimConfig } from "../../src/hw/simulator/config.js";
import type { Layer } from "../../src/layers/layer.js";

// The authors' accelerator: 128×128 at 1 GHz, "80 GB/s" read by csim as 80·2^30 B/s.
const csimHardware: SimConfig = { ...defaultSimConfig, sramBytes: 5 * 2 ** 20 };
const bytesPerCycle = (80 * 2 ** 30) / 1e9; // 85.899 weights per cycle
const context = modelContext();

function layer(type: Layer["type"], k: number, c: number, f: number, size: number): Layer {
  return {
    name: "l",
    type,
    k1: k,
    k2: k,
    c,
    f,
    h: size,
    w: size,
    stride: 1,
    dilation: 1,
    batch: 1,
  };
}
const cycles = (l: Layer, hardware = csimHardware) => csimLayerCycles(l, hardware);

describe("csim model: each term on hand-computed layers (128×128, 85.9 B/cycle)", () => {
  it("reads the bandwidth as csim does: GB of 2^30 bytes, one byte per weight", () => {
    expect(csimBytesPerCycle(csimHardware)).toBeCloseTo(bytesPerCycle, 12);
  });

  it("one fold, small output: fetch the weights whole, shift in K rows, close after 3", () => {
    // 1×1, c = f = 16 at 2×2: ⌈256 / 85.9⌉ = 3 fetch + 16 rows + 3 close
    expect(cycles(layer("conv", 1, 16, 16, 2))).toBe(3 + 16 + 3);
    // c = 128, f = 16: ⌈2048 / 85.9⌉ = 24 + 128 + 3
    expect(cycles(layer("conv", 1, 128, 16, 2))).toBe(24 + 128 + 3);
  });

  it("the last fold: every row tile but the last costs rows + 1", () => {
    // 32×32 = 1024 rows = 8 tiles of 128: 7·129 + 3 after the fold starts
    expect(lastFoldCycles(1024, csimHardware)).toBe(7 * 129 + 3);
    expect(cycles(layer("conv", 1, 16, 16, 32))).toBe(3 + 16 + 7 * 129 + 3);
  });

  it("fold step: the next fold's rows shift in behind the streaming rows, the swap costs 1", () => {
    // 2×2 output: 4 rows + 1 tile = 5 < 16 + 1, the load sets the pace
    expect(foldStep(4, 16, csimHardware)).toBe(17);
    // 32×32: 1024 + 8 tiles = 1032 > 129, streaming sets it
    expect(foldStep(1024, 128, csimHardware)).toBe(1032);
    // f = 144: two width folds of 16 rows each; fold 0 fetches 16·128 weights (⌈23.8⌉ = 24)
    expect(cycles(layer("conv", 1, 16, 144, 2))).toBe(24 + 16 + 17 + 3);
    // 3×3, c = 16 at 32×32: K = 144 = 128 + 16 rows; fold 0 fetches 128·16 (24), then 1032
    expect(cycles(layer("conv", 3, 16, 16, 32))).toBe(24 + 128 + 1032 + 7 * 129 + 3);
  });

  it("weight prefetch: once DRAM falls behind, folds start as their weights arrive", () => {
    // 3×3, c = f = 128 at 2×2: nine 128×128 folds of 190.7 cycles of DRAM each, but only 129
    // cycles of loading: from fold 3 on the stream sets the start, fold 8 at 9·190.7
    const perFold = (128 * 128) / bytesPerCycle;
    expect(perFold).toBeGreaterThan(foldStep(4, 128, csimHardware));
    expect(cycles(layer("conv", 3, 128, 128, 2))).toBe(Math.floor(9 * perFold + 3));
  });

  it("depthwise: c one-column GEMMs back to back, one fetch up front, one close", () => {
    // 3×3 at 2×2: ⌈9 / 85.9⌉ = 1 + 9 rows, then 15 steps of max(5, 10) and the close
    expect(cycles(layer("dwconv", 3, 16, 16, 2))).toBe(1 + 9 + 15 * 10 + 3);
    // 32×32: steps of 1024 + 8
    expect(cycles(layer("dwconv", 5, 16, 16, 32))).toBe(1 + 25 + 15 * 1032 + 7 * 129 + 3);
  });

  it("other array shapes follow: a 32×32 array tiles K, M and the loads by 32", () => {
    const small = { ...csimHardware, arrayRows: 32, arrayCols: 32 };
    // 1×1, c = 64, f = 16 at 4×4: two folds of 32 rows; ⌈512 / 85.9⌉ = 6 + 32, step
    // max(16 + 1, 33), close
    expect(cycles(layer("conv", 1, 64, 16, 4), small)).toBe(6 + 32 + 33 + 3);
  });

  it("a separable conv is two csim layers (depthwise, then 1×1); free layers cost nothing", () => {
    const dws = layer("dws", 3, 32, 48, 8);
    expect(cycles(dws)).toBe(
      cycles(layer("dwconv", 3, 32, 32, 8)) + cycles(layer("conv", 1, 32, 48, 8)),
    );
    expect(cycles(layer("pool", 1, 32, 32, 8))).toBe(0);
  });
});

const fixture = join(import.meta.dirname, "..", "fixtures", "csim-extract.csv");
const given = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "shared",
  "data",
  "csim-lookup",
  "csim_128x128_given.csv",
);

describe("csim model against the authors' simulator", () => {
  const check = (path: string) => {
    const measured = readMeasuredLayers(path);
    const estimates = costModels.csim.estimate(
      measured.map((m) => m.layer),
      csimHardware,
      context,
    );
    for (const [i, m] of measured.entries())
      expect(estimates[i].cycles, m.layer.name).toBe(m.cycles);
    return measured.length;
  };
  it("cycle for cycle on the 72 layers of the test extract", () => {
    expect(check(fixture)).toBe(72);
  });
  it.skipIf(!existsSync(given))("cycle for cycle on all 3,424 given layers", () => {
    expect(check(given)).toBe(3424);
  });
});

describe("csim-smooth: the relaxation", () => {
  const engine = context.engine();
  it("stays within 8% of the exact model on the test extract (median < 0.5%)", () => {
    const errors = readMeasuredLayers(fixture).map(({ layer: l, cycles: measured }) => {
      const smooth = csimSmoothLayer(l, csimHardware, engine).cycles;
      return Math.abs(smooth - measured) / measured;
    });
    errors.sort((a, b) => a - b);
    expect(errors[errors.length - 1]).toBeLessThan(0.08);
    expect(errors[errors.length >> 1]).toBeLessThan(0.005);
  });

  it("its channel gradients match central differences of its own cycles", () => {
    const types = ["conv", "dilconv", "dws", "fc", "dwconv"] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.constantFrom(1, 3, 5),
        fc.double({ min: 8, max: 300, noNaN: true }),
        fc.double({ min: 8, max: 300, noNaN: true }),
        fc.constantFrom(1, 2, 4, 8, 16, 32),
        fc.constantFrom(1, 8),
        (type, k, c, f, size, batch) => {
          const base = { ...layer(type, k, c, type === "dwconv" ? c : f, size), batch };
          const at = (dc: number, df: number) =>
            csimSmoothLayer(
              { ...base, c: base.c + dc, f: type === "dwconv" ? base.c + dc : base.f + df },
              csimHardware,
              engine,
            ).cycles;
          const h = 1e-4;
          const { dCyclesDc, dCyclesDf } = csimSmoothLayer(base, csimHardware, engine);
          const numericC = (at(h, 0) - at(-h, 0)) / (2 * h);
          const numericF = (at(0, h) - at(0, -h)) / (2 * h);
          const close = (analytic: number, numeric: number) =>
            Math.abs(analytic - numeric) <= 1e-3 * Math.max(1, Math.abs(numeric));
          expect(close(dCyclesDc, numericC), `dc ${dCyclesDc} vs ${numericC}`).toBe(true);
          if (type !== "dwconv") {
            expect(close(dCyclesDf, numericF), `df ${dCyclesDf} vs ${numericF}`).toBe(true);
          }
        },
      ),
      { seed: 17, numRuns: 300 },
    );
  });
});
