import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FoldTiming } from "../../src/engine/engine.js";
import {
  type LayerCostResult,
  type ReferenceRow,
  referenceLayerCost,
  smoothCeilDirect,
} from "../../src/engine/reference.js";
import {
  authorsSmoothCeil,
  type SmoothCeilParams,
  uncappedSmoothCeil,
} from "../../src/engine/smoothCeilParams.js";
import { EngineKind } from "../../src/layers/layer.js";
import { convRow, engineCost, engineSmoothCeil } from "./costEngineHelpers.js";

describe("exact model, hand-computed", () => {
  it("k1k2c = s1 fills the rows: util 1", () => {
    const [r] = engineCost([convRow(1, 128, 128)]);
    expect(r.util).toBe(1);
    expect(r.cycles).toBe(1);
  });
  it("k1k2c = s1 + 1 needs a second row fold: util ≈ 0.5", () => {
    const [r] = engineCost([convRow(1, 129, 128)]);
    expect(r.util).toBe(129 / 256);
    expect(r.cycles).toBe(2);
  });
});

const kinds = [EngineKind.conv, EngineKind.dwconv, EngineKind.dws, EngineKind.fc, EngineKind.free];
const rowArb = fc.record({
  kind: fc.constantFrom(...kinds),
  k1: fc.integer({ min: 1, max: 7 }),
  k2: fc.integer({ min: 1, max: 7 }),
  c: fc.integer({ min: 1, max: 512 }),
  f: fc.integer({ min: 1, max: 512 }),
  h: fc.integer({ min: 1, max: 64 }),
  w: fc.integer({ min: 1, max: 64 }),
  batch: fc.integer({ min: 1, max: 64 }),
  arrayRows: fc.constantFrom(8, 16, 32, 64, 128, 256),
  arrayCols: fc.constantFrom(8, 16, 32, 64, 128, 256),
});

// Gradients that vanish analytically (dwconv util does not depend on c) come out of the engine's
// quotient rule as round-off, so they are compared against the scale of their terms.
function close(a: number, b: number, rel: number, scale = 0) {
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), scale) + 1e-300;
}

function gradientScale(key: keyof LayerCostResult, want: LayerCostResult, row: ReferenceRow) {
  if (key === "dUtilDc" || key === "dUtilDf") return want.smoothUtil / Math.min(row.c, row.f);
  if (key === "dCyclesDc" || key === "dCyclesDf") return want.smoothCycles / Math.min(row.c, row.f);
  return 0;
}

describe("engine vs reference", () => {
  it("agrees on random mixed batches, with the paper's and the pipelined fold timing", () => {
    const timingArb = fc.constantFrom<FoldTiming>("uboost", "pipelined");
    const smoothArb = fc.constantFrom<SmoothCeilParams>(uncappedSmoothCeil, authorsSmoothCeil);
    fc.assert(
      fc.property(
        fc.array(rowArb, { minLength: 1, maxLength: 40 }),
        timingArb,
        smoothArb,
        (rows, timing, smooth) => {
          const got = engineCost(rows, timing, smooth);
          rows.forEach((row, i) => {
            const want = referenceLayerCost(row, smooth, timing);
            for (const key of Object.keys(want) as (keyof LayerCostResult)[]) {
              if (!close(got[i][key], want[key], 1e-11, gradientScale(key, want, row))) {
                throw new Error(
                  `${key}: engine ${got[i][key]} reference ${want[key]} ${JSON.stringify(row)}`,
                );
              }
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("smooth ceiling", () => {
  it("O(1) evaluation agrees with the direct sum to 1e-12 relative, N = 300 and N = ∞", () => {
    const cases = fc.oneof(
      fc.tuple(fc.double({ min: -5, max: 320, noNaN: true }), fc.constant(authorsSmoothCeil)),
      fc.tuple(fc.double({ min: -5, max: 5000, noNaN: true }), fc.constant(uncappedSmoothCeil)),
    );
    fc.assert(
      fc.property(cases, ([x, params]) => {
        const fast = engineSmoothCeil(x, params);
        const direct = smoothCeilDirect(x, params);
        expect(close(fast.value, direct.value, 1e-12)).toBe(true);
        expect(close(fast.slope, direct.slope, 1e-12)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
  it("without a cap S keeps rounding up past the authors' N = 300, where theirs saturates", () => {
    for (const n of [299, 300, 576, 4608, 1e6, 1e12]) {
      expect(engineSmoothCeil(n + 0.5).value).toBeCloseTo(n + 1, 3);
    }
    // the authors' S stops at N: past it every term is saturated high
    expect(engineSmoothCeil(576, authorsSmoothCeil).value).toBeCloseTo(300, 6);
    // below N the two agree to f64 resolution (the cap only adds the ~7e-37 low-clamped tail)
    for (const x of [0, 0.3, 1.7, 42.5, 250]) {
      expect(engineSmoothCeil(x).value).toBe(engineSmoothCeil(x, authorsSmoothCeil).value);
    }
  });
  it("agrees for other constants too (v = 1/3, N = 50, C = 0.5, B = 10)", () => {
    const params = { terms: 50, offset: 0.5, sharpness: 10, v: 1 / 3 };
    for (let x = -3; x < 60; x += 0.0625) {
      const fast = engineSmoothCeil(x, params);
      const direct = smoothCeilDirect(x, params);
      expect(close(fast.value, direct.value, 1e-12)).toBe(true);
      expect(close(fast.slope, direct.slope, 1e-12)).toBe(true);
    }
  });
  it("rounds up: S(n + 0.5) ≈ n + 1 and S(n) ≈ n for integers well inside (0, N)", () => {
    for (let n = 3; n < 290; n += 7) {
      expect(engineSmoothCeil(n + 0.5).value).toBeCloseTo(n + 1, 3);
      // at an integer x = n the i = n term is K / (C + 1)^2 ≈ 0.028, not 0: S lags ⌈·⌉ there
      expect(engineSmoothCeil(n).value).toBeCloseTo(n + 0.04 / 1.44, 6);
    }
  });
});
