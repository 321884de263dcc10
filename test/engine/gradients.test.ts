import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FoldTiming } from "../../src/engine/engine.js";
import type { ReferenceRow } from "../../src/engine/reference.js";
import { EngineKind } from "../../src/layers/layer.js";
import { engineCost } from "./costEngineHelpers.js";

// The search back-propagates through ∂cycles/∂c, ∂cycles/∂f, ∂util/∂c, ∂util/∂f of the smooth
// model; central differences on the smooth outputs must reproduce them.
const step = 1e-4;

function centralDifference(
  row: ReferenceRow,
  timing: FoldTiming,
  channel: "c" | "f",
  output: "smoothCycles" | "smoothUtil",
) {
  const shifted = (delta: number) => ({ ...row, [channel]: row[channel] + delta });
  const [up, down] = engineCost([shifted(step), shifted(-step)], timing);
  return (up[output] - down[output]) / (2 * step);
}

const rowArb = fc.record({
  kind: fc.constantFrom(EngineKind.conv, EngineKind.dwconv, EngineKind.dws, EngineKind.fc),
  k1: fc.constantFrom(1, 3, 5),
  k2: fc.constantFrom(1, 3, 5),
  c: fc.double({ min: 4, max: 300, noNaN: true }),
  f: fc.double({ min: 4, max: 300, noNaN: true }),
  h: fc.integer({ min: 1, max: 32 }),
  w: fc.integer({ min: 1, max: 32 }),
  batch: fc.constantFrom(1, 64),
  arrayRows: fc.constantFrom(16, 64, 128),
  arrayCols: fc.constantFrom(16, 64, 128),
});

describe("smooth-model gradients against finite differences", () => {
  it("match on random layers with fractional channel counts", () => {
    fc.assert(
      fc.property(rowArb, fc.constantFrom<FoldTiming>("uboost", "pipelined"), (row, timing) => {
        if (row.kind === EngineKind.dwconv) row.f = row.c;
        const [cost] = engineCost([row], timing);
        const pairs = [
          [
            cost.dCyclesDc,
            centralDifference(row, timing, "c", "smoothCycles"),
            cost.smoothCycles / row.c,
          ],
          [
            cost.dCyclesDf,
            centralDifference(row, timing, "f", "smoothCycles"),
            cost.smoothCycles / row.f,
          ],
          [
            cost.dUtilDc,
            centralDifference(row, timing, "c", "smoothUtil"),
            cost.smoothUtil / row.c,
          ],
          [
            cost.dUtilDf,
            centralDifference(row, timing, "f", "smoothUtil"),
            cost.smoothUtil / row.f,
          ],
        ];
        for (const [analytic, numeric, scale] of pairs) {
          expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(
            1e-5 * Math.max(Math.abs(analytic), scale),
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
