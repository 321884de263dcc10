import { describe, expect, it } from "vitest";
import { benchSpaces } from "../../bench/spaces.js";

describe("benchSpaces", () => {
  it("prices a sampled space both ways and reports every figure", () => {
    const result = benchSpaces({ space: "fbnet", samples: 200, directSample: 20 });
    expect(result).toMatchObject({
      space: "fbnet",
      architectures: 200,
      devices: 5,
      model: "systolic",
    });
    // 200 networks of 22 searchable layers share far fewer distinct layers than they hold
    expect(result.distinctLayers).toBeLessThan(result.layerReferences / 10);
    for (const key of [
      "layoutSeconds",
      "pricingSeconds",
      "seconds",
      "distinctPerSec",
      "directPerSec",
      "speedup",
    ] as const) {
      expect(Number.isFinite(result[key])).toBe(true);
      expect(result[key]).toBeGreaterThan(0);
    }
    expect(result.seconds).toBeCloseTo(result.layoutSeconds + result.pricingSeconds, 9);
  });
});
