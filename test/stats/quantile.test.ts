import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { quantile } from "../../src/stats/quantile.js";

describe("quantile", () => {
  it("interpolates between order statistics, as numpy does", () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9)).toBe(10);
    expect(quantile([0, 10], 0.9)).toBe(9);
  });

  it("runs from the least value at q = 0 to the greatest at q = 1, never falling, whatever the order", () => {
    const values = fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 40 });
    const qs = fc.tuple(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
    );
    fc.assert(
      fc.property(values, qs, (sample, [q1, q2]) => {
        expect(quantile(sample, 0)).toBe(Math.min(...sample));
        expect(quantile(sample, 1)).toBe(Math.max(...sample));
        const [low, high] = q1 <= q2 ? [q1, q2] : [q2, q1];
        expect(quantile(sample, low)).toBeLessThanOrEqual(quantile(sample, high));
        expect(quantile([...sample].reverse(), low)).toBe(quantile(sample, low));
      }),
    );
  });
});
