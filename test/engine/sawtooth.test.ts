import { describe, expect, it } from "vitest";
import { convRow, engineCost } from "./costEngineHelpers.js";

// Paper Fig. 3/4: on a 128×128 array, utilization over output channels is a sawtooth that peaks
// at multiples of 128 and drops just past them, and the smooth model keeps the same peaks.
const channels = Array.from({ length: 512 }, (_, i) => i + 1);
const costs = engineCost(channels.map((f) => convRow(3, 128, f)));

function localMaxima(values: number[]): number[] {
  return channels.filter(
    (_, i) =>
      i > 0 && i < values.length - 1 && values[i] > values[i - 1] && values[i] > values[i + 1],
  );
}

describe("utilization sawtooth over output channels (3×3 conv, c = 128, 128×128)", () => {
  it("exact util is f / (128·⌈f/128⌉): 1 at multiples of 128, about halves just past 128", () => {
    for (const f of [128, 256, 384, 512]) expect(costs[f - 1].util).toBe(1);
    expect(costs[128].util).toBe(129 / 256);
    expect(costs[256].util).toBe(257 / 384);
    expect(costs[63].util).toBe(0.5);
  });
  // Below one fold (f ≪ 128) S(x) is far from ⌈x⌉ (S(0) ≈ 0.03, not 0) and grows a spurious bump
  // at f ≈ 5; the search's channel range (64..280) stays clear of it.
  it("exact and smooth utilization peak at the same channel counts (f ≥ 64)", () => {
    const inRange = (f: number) => f >= 64;
    const exactPeaks = localMaxima(costs.map((c) => c.util)).filter(inRange);
    const smoothPeaks = localMaxima(costs.map((c) => c.smoothUtil)).filter(inRange);
    expect(exactPeaks).toEqual([128, 256, 384]);
    expect(smoothPeaks).toEqual(exactPeaks);
  });
  it("the smooth model tracks the exact one away from the steps", () => {
    for (const f of [64, 192, 320, 448]) {
      expect(Math.abs(costs[f - 1].smoothUtil - costs[f - 1].util)).toBeLessThan(0.01);
    }
  });
});
