import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { averageRanks, spearman, srccMatrix } from "../../src/proxy/srcc.js";
import { shiftedMean } from "../../src/proxy/statistics.js";

describe("Spearman rank correlation", () => {
  it("averages the ranks of ties", () => {
    // 2 and 2 sit at positions 2 and 3: both get (2 + 3) / 2 = 2.5
    expect(Array.from(averageRanks([1, 2, 2, 3, 4]))).toEqual([1, 2.5, 2.5, 4, 5]);
    // 7, 7, 7 at positions 1..3: all get 2
    expect(Array.from(averageRanks([7, 9, 7, 7]))).toEqual([2, 4, 2, 2]);
  });

  it("matches a hand-computed case with ties in both variables", () => {
    // x = [1, 2, 2, 3, 4] → ranks [1, 2.5, 2.5, 4, 5]
    // y = [2, 1, 3, 3, 5] → ranks [2, 1, 3.5, 3.5, 5]
    // both rank means are 3: dx = [−2, −0.5, −0.5, 1, 2], dy = [−1, −2, 0.5, 0.5, 2]
    // Σ dx·dy = 2 + 1 − 0.25 + 0.5 + 4 = 7.25;  Σ dx² = Σ dy² = 4 + 0.25 + 0.25 + 1 + 4 = 9.5
    // r = 7.25 / √(9.5 · 9.5) = 29/38 ≈ 0.76316 (scipy.stats.spearmanr agrees); the tie-free
    // shortcut 1 − 6Σd²/(n(n²−1)) = 1 − 6·4.5/120 = 0.775 would be wrong here.
    expect(spearman([1, 2, 2, 3, 4], [2, 1, 3, 3, 5])).toBeCloseTo(29 / 38, 12);
  });

  // integers, so −2v + 5 cannot round two distinct values onto one
  const distinct = fc.uniqueArray(fc.integer({ min: -1e6, max: 1e6 }), {
    minLength: 3,
    maxLength: 60,
  });

  it("is 1 under a strictly increasing transform, ties included", () => {
    const values = fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 3, maxLength: 60 });
    fc.assert(
      fc.property(values, (x) => {
        fc.pre(new Set(x).size > 1);
        const y = x.map((v) => Math.exp(v / 10) + v ** 3);
        expect(spearman(x, y)).toBeCloseTo(1, 12);
      }),
    );
  });

  it("is −1 under a reversal", () => {
    fc.assert(
      fc.property(distinct, (x) => {
        expect(
          spearman(
            x,
            x.map((v) => -2 * v + 5),
          ),
        ).toBeCloseTo(-1, 12);
      }),
    );
  });

  it("is symmetric, with 1 on the diagonal and NaN for a constant column", () => {
    const matrix = srccMatrix([
      [1, 2, 3, 4],
      [4, 1, 2, 3],
      [5, 5, 5, 5],
    ]);
    expect(matrix[0][0]).toBe(1);
    expect(matrix[0][1]).toBe(matrix[1][0]);
    expect(matrix[0][1]).toBeCloseTo(-0.2, 12);
    expect(matrix[2][0]).toBeNaN();
    expect(matrix[2][2]).toBeNaN();
  });

  it("is NaN for a constant column of any length and value (mean rounding left no variance)", () => {
    // Σ rank/n rounds for n = 7, 10, 30…: the old mean left a variance of ~1e-30 and r = ±1 or 0
    const column = fc.tuple(
      fc.integer({ min: 2, max: 300 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    fc.assert(
      fc.property(
        column,
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 2 }),
        ([n, v], y) => {
          const constant = new Array<number>(n).fill(v);
          const other = Array.from({ length: n }, (_, i) => y[i % y.length] + i);
          expect(spearman(constant, other)).toBeNaN();
          expect(srccMatrix([other, constant])[0][1]).toBeNaN();
          // == rather than Object.is: a column of −0 has mean +0, which is the same number
          expect(shiftedMean(constant) === v).toBe(true);
        },
      ),
    );
  });
});
