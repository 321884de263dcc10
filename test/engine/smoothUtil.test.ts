import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FoldTiming } from "../../src/engine/engine.js";
import { EngineKind } from "../../src/layers/layer.js";
import { engineCost } from "./costEngineHelpers.js";

// S(x) ≥ x + 0.02 for every x ≥ 0 when no term is capped (the step of each term sits just after
// its integer), so smooth utilization k1k2cf / (s1·s2·S·S) stays below 1 with room to spare
// for f64 rounding, up to c = f = 1e12 on a 1×1 array.
const channels = fc.oneof(
  fc.integer({ min: 1, max: 4096 }),
  fc.integer({ min: 1, max: 1e12 }),
  fc.constant(1e12),
);
const side = fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 512 }));
const layerArb = fc.record({
  kind: fc.constantFrom(EngineKind.conv, EngineKind.dwconv, EngineKind.dws, EngineKind.fc),
  k1: fc.integer({ min: 1, max: 7 }),
  k2: fc.integer({ min: 1, max: 7 }),
  c: channels,
  f: channels,
  h: fc.integer({ min: 1, max: 64 }),
  w: fc.integer({ min: 1, max: 64 }),
  batch: fc.integer({ min: 1, max: 64 }),
  arrayRows: side,
  arrayCols: side,
});

describe("smooth utilization", () => {
  it("never exceeds 1, for any layer and array (1×1 and c = 1e12 included)", () => {
    const timing = fc.constantFrom<FoldTiming>("uboost", "pipelined");
    fc.assert(
      fc.property(fc.array(layerArb, { minLength: 1, maxLength: 30 }), timing, (rows, fold) => {
        engineCost(rows, fold).forEach(({ smoothUtil }, i) => {
          if (!(smoothUtil > 0 && smoothUtil <= 1)) {
            throw new Error(`smooth util ${smoothUtil} for ${JSON.stringify(rows[i])}`);
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  it("a 3×3 conv of 512 → 512 channels on 8×8 (k1k2c/s1 = 576 > 300) stays below 1", () => {
    const conv = { kind: EngineKind.conv, k1: 3, k2: 3, c: 512, f: 512, h: 7, w: 7, batch: 1 };
    const [cost] = engineCost([{ ...conv, arrayRows: 8, arrayCols: 8 }]);
    // 576 row folds × 64 col folds fill the array exactly: S adds 0.028 per ceiling at integers
    expect(cost.util).toBe(1);
    expect(cost.smoothUtil).toBeCloseTo((576 * 64) / ((576 + 0.04 / 1.44) * (64 + 0.04 / 1.44)), 6);
  });
});
