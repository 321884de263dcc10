import { describe, expect, it } from "vitest";
import {
  dominates,
  hypervolume,
  normalizedHypervolume,
  paretoFront,
  type TradeoffPoint,
} from "../../src/pareto/front.js";

const point = (runtimeUs: number, accuracy: number): TradeoffPoint => ({ runtimeUs, accuracy });

describe("paretoFront", () => {
  it("keeps the points nothing dominates, fastest first", () => {
    const points = [point(20, 95), point(15, 85), point(10, 90), point(30, 95), point(5, 50)];
    expect(paretoFront(points)).toEqual([point(5, 50), point(10, 90), point(20, 95)]);
  });

  it("drops a point tied in runtime but less accurate, and keeps a duplicate once", () => {
    const points = [point(10, 80), point(10, 90), point(10, 90)];
    expect(paretoFront(points)).toEqual([point(10, 90)]);
  });

  it("is empty for no points and the point itself for one", () => {
    expect(paretoFront([])).toEqual([]);
    expect(paretoFront([point(3, 40)])).toEqual([point(3, 40)]);
  });

  it("dominance needs one strict improvement", () => {
    expect(dominates(point(10, 90), point(10, 90))).toBe(false);
    expect(dominates(point(10, 90), point(11, 90))).toBe(true);
    expect(dominates(point(10, 90), point(10, 89))).toBe(true);
    expect(dominates(point(10, 90), point(9, 80))).toBe(false);
  });
});

/**
 * HV = ∫₀^bound (100 − best accuracy reached by runtime r) dr, in percentage points × µs: the
 * area above the front's staircase and below 100% (reference point: 100% accuracy, 0 µs).
 */
describe("hypervolume (lower is better)", () => {
  it("two-point front, by hand: 100·10 + (100−90)·(20−10) + (100−95)·(40−20) = 1200", () => {
    const front = [point(10, 90), point(20, 95)];
    expect(hypervolume(front, 40)).toBe(1200);
    expect(normalizedHypervolume(front, 40)).toBe(1200 / (100 * 40));
  });

  it("dominated points change nothing", () => {
    const points = [point(10, 90), point(20, 95), point(15, 85), point(30, 95), point(40, 60)];
    expect(hypervolume(points, 40)).toBe(1200);
  });

  it("a single point, by hand: 100·25 + (100−80)·(50−25) = 3000; at the bound 100·50", () => {
    expect(hypervolume([point(25, 80)], 50)).toBe(3000);
    expect(hypervolume([point(50, 80)], 50)).toBe(5000);
  });

  it("a faster, less accurate point on the front lowers it: 500 + 250 + 100 + 100 = 950", () => {
    expect(hypervolume([point(10, 90), point(20, 95), point(5, 50)], 40)).toBe(950);
  });

  it("a perfect network at 0 µs leaves nothing; no network leaves the whole box", () => {
    expect(hypervolume([point(0, 100)], 40)).toBe(0);
    expect(hypervolume([], 40)).toBe(4000);
  });

  it("refuses a bound below the front's slowest network", () => {
    expect(() => hypervolume([point(10, 90), point(20, 95)], 15)).toThrow(/below the front/);
  });
});
