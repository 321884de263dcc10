import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  boundedHypervolume,
  dominates,
  hypervolume,
  paretoFront,
  type TradeoffPoint,
} from "../../src/pareto/front.js";

const point = (runtimeMs: number, top1Percent: number): TradeoffPoint => ({
  runtimeMs,
  top1Percent,
});

describe("paretoFront", () => {
  it("keeps the points nothing dominates, fastest first", () => {
    const points = [point(2, 95), point(1.5, 85), point(1, 90), point(3, 95), point(0.5, 50)];
    expect(paretoFront(points)).toEqual([point(0.5, 50), point(1, 90), point(2, 95)]);
  });

  it("drops a point tied in runtime but less accurate, and keeps a duplicate once", () => {
    const points = [point(1, 80), point(1, 90), point(1, 90)];
    expect(paretoFront(points)).toEqual([point(1, 90)]);
  });

  it("is empty for no points and the point itself for one", () => {
    expect(paretoFront([])).toEqual([]);
    expect(paretoFront([point(0.3, 40)])).toEqual([point(0.3, 40)]);
  });

  it("dominance needs one strict improvement", () => {
    expect(dominates(point(1, 90), point(1, 90))).toBe(false);
    expect(dominates(point(1, 90), point(1.1, 90))).toBe(true);
    expect(dominates(point(1, 90), point(1, 89))).toBe(true);
    expect(dominates(point(1, 90), point(0.9, 80))).toBe(false);
  });
});

/**
 * The paper's HV: reference point (0 ms, 100%), front f_1 … f_n fastest first, t_0 = 0,
 * HV = Σ (100 − acc_i)·(t_i − t_{i−1}) in percentage points × ms, nothing beyond the slowest.
 */
describe("hypervolume, the paper's (lower is better)", () => {
  it("two-point front, by hand: (100−90)·(1−0) + (100−95)·(2−1) = 15", () => {
    expect(hypervolume([point(1, 90), point(2, 95)])).toBe(15);
  });

  it("dominated points change nothing", () => {
    const points = [point(1, 90), point(2, 95), point(1.5, 85), point(3, 95), point(4, 60)];
    expect(hypervolume(points)).toBe(15);
  });

  it("a single network, by hand: (100−80)·2.5 = 50", () => {
    expect(hypervolume([point(2.5, 80)])).toBe(50);
  });

  it("is not Pareto-compliant: a faster or a slower network on the front can raise it", () => {
    // a fast, poor network: 50·0.5 + 10·(1−0.5) + 5·(2−1) = 35 > 15
    expect(hypervolume([point(1, 90), point(2, 95), point(0.5, 50)])).toBe(35);
    // a slow, accurate one: 10·1 + 1·(2−1) = 11 > 10
    expect(hypervolume([point(1, 90)])).toBe(10);
    expect(hypervolume([point(1, 90), point(2, 99)])).toBe(11);
  });

  it("the paper's Table 4 means as fronts, by hand", () => {
    // U-Boost λ = 0.1 / 1: 87.8% at 2.2 ms is dominated by 87.9% at 1.05 ms: 12.1·1.05
    expect(hypervolume([point(2.2, 87.8), point(1.05, 87.9)])).toBeCloseTo(12.705, 12);
    // FLOPS: 21.6·3.45 + 12.8·(6.1 − 3.45) = 74.52 + 33.92
    expect(hypervolume([point(6.1, 87.2), point(3.45, 78.4)])).toBeCloseTo(108.44, 12);
  });

  it("a perfect network at 0 ms leaves nothing, and so does no network", () => {
    expect(hypervolume([point(0, 100)])).toBe(0);
    expect(hypervolume([])).toBe(0);
  });

  it("equals the definition computed over dominance pairs, on random points", () => {
    // Accuracies on a 0.5% grid and runtimes on a 0.25 ms grid make ties in both common.
    const pointArb = fc
      .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 200 }))
      .map(([quarterMs, halfPercent]) => point(quarterMs / 4, halfPercent / 2));
    fc.assert(
      fc.property(fc.array(pointArb, { maxLength: 12 }), (points) => {
        expect(hypervolume(points)).toBeCloseTo(hypervolumeByDefinition(points), 9);
      }),
    );
  });
});

/**
 * An independent reading of the definition: the front is every point that no other point
 * dominates (pairwise), one per distinct (runtime, accuracy); its error (100 − acc) counts over
 * the runtime interval since the next faster front point (or 0).
 */
function hypervolumeByDefinition(points: TradeoffPoint[]): number {
  const front = points.filter((p, i) => {
    const firstCopy = points.findIndex(
      (q) => q.runtimeMs === p.runtimeMs && q.top1Percent === p.top1Percent,
    );
    return firstCopy === i && !points.some((q) => dominates(q, p));
  });
  return front.reduce((area, p) => {
    const faster = front.filter((q) => q.runtimeMs < p.runtimeMs).map((q) => q.runtimeMs);
    return area + (100 - p.top1Percent) * (p.runtimeMs - Math.max(0, ...faster));
  }, 0);
}

/** HVb = ∫₀^bound (100 − best accuracy reached by runtime r) dr, in percentage points × ms. */
describe("boundedHypervolume (Pareto-compliant, lower is better)", () => {
  it("two-point front, by hand: 100·1 + (100−90)·(2−1) + (100−95)·(4−2) = 120", () => {
    expect(boundedHypervolume([point(1, 90), point(2, 95)], 4)).toBe(120);
  });

  it("dominated points change nothing; a point that joins the front lowers it", () => {
    const points = [point(1, 90), point(2, 95), point(1.5, 85), point(3, 95), point(4, 60)];
    expect(boundedHypervolume(points, 4)).toBe(120);
    // 100·0.5 + 50·0.5 + 10·1 + 5·2 = 95
    expect(boundedHypervolume([...points, point(0.5, 50)], 4)).toBe(95);
  });

  it("a single point, by hand: 100·2.5 + (100−80)·(5−2.5) = 300; at the bound 100·5", () => {
    expect(boundedHypervolume([point(2.5, 80)], 5)).toBe(300);
    expect(boundedHypervolume([point(5, 80)], 5)).toBe(500);
  });

  it("no network leaves the whole box", () => {
    expect(boundedHypervolume([], 4)).toBe(400);
  });

  it("refuses a bound below the front's slowest network", () => {
    expect(() => boundedHypervolume([point(1, 90), point(2, 95)], 1.5)).toThrow(/below the front/);
  });
});
