import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import { evolutionSearch } from "../../src/proxy/evolution.js";
import { bestUnder, latencyQuantile } from "../../src/proxy/oneProxy.js";
import { distinctLayers, spaceLatencies } from "../../src/proxy/spaceLatencies.js";
import { nasbench201 } from "../../src/spaces/nasbench201.js";
import { archAt, enumerateArchs, spaceInput } from "../../src/spaces/space.js";

const table = enumerateArchs(nasbench201);
const distinct = distinctLayers(nasbench201, table, spaceInput(nasbench201, "cifar10"), 1);
const proxy = { label: "32x32", config: { ...defaultSimConfig, arrayRows: 32, arrayCols: 32 } };
const [proxyMs] = spaceLatencies(distinct, [proxy], "systolic");

/**
 * A synthetic accuracy: a seeded value per (edge, op) plus a bonus when node 3 reads a conv of
 * node 2, so the optimum is not separable edge by edge; costly ops score higher on average, so
 * the latency limit binds.
 */
function syntheticScore(): Float64Array {
  const rng = xoroshiro128plus(42);
  const gains = nasbench201.decisions.map((ops) =>
    ops.map((_, op) => op + uniformInt(rng, 0, 40) / 10),
  );
  return Float64Array.from({ length: table.count }, (_, i) => {
    const arch = archAt(table, i);
    const bonus = arch[5] >= 2 && arch[5] <= 3 && arch[2] >= 2 && arch[2] <= 3 ? 2 : 0;
    return arch.reduce((sum, op, e) => sum + gains[e][op], bonus);
  });
}

describe("one-proxy search by regularized evolution on NAS-Bench-201", () => {
  const score = syntheticScore();

  it.each([0.1, 0.25])(
    "finds the exhaustive optimum under the proxy's %s quantile within 600 evaluations, for 5 seeds",
    (quantile) => {
      const limit = latencyQuantile(proxyMs, quantile);
      const optimum = bestUnder(proxyMs, score, limit);
      for (const seed of [1, 2, 3, 4, 5]) {
        const search = evolutionSearch(nasbench201, table, proxyMs, score, {
          population: 50,
          tournament: 10,
          budget: 600,
          seed,
        });
        const found = search(limit);
        expect(proxyMs[found]).toBeLessThanOrEqual(limit);
        expect(score[found]).toBe(score[optimum]);
      }
    },
  );

  it("is a function of its seed, and a budget too small for the founders still answers within the limit", () => {
    const limit = latencyQuantile(proxyMs, 0.5);
    const settings = { population: 50, tournament: 10, budget: 120, seed: 7 };
    const once = evolutionSearch(nasbench201, table, proxyMs, score, settings)(limit);
    expect(evolutionSearch(nasbench201, table, proxyMs, score, settings)(limit)).toBe(once);
    const tiny = evolutionSearch(nasbench201, table, proxyMs, score, { ...settings, budget: 3 })(
      limit,
    );
    expect(proxyMs[tiny]).toBeLessThanOrEqual(limit);
  });
});
