import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { significant } from "../src/significant.js";

describe("significant", () => {
  it("drops the float noise of arithmetic, keeping the decimal meant", () => {
    expect(significant(0.14 * 100)).toBe(14);
    expect(String(significant(0.1 + 0.2))).toBe("0.3");
    expect(String(significant(136.44400000000002))).toBe("136.444");
    expect(String(significant(1.28e-4, 4))).toBe("0.000128");
    expect(String(significant(28.407616, 4))).toBe("28.41");
    for (const value of [0, Number.NaN, Number.POSITIVE_INFINITY, -0]) {
      expect(Object.is(significant(value), value)).toBe(true);
    }
  });

  it("moves a value by at most half a unit in its 12th significant digit, and is idempotent", () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }),
        (x) => {
          const rounded = significant(x);
          expect(Math.abs(rounded - x)).toBeLessThanOrEqual(Math.abs(x) * 5e-12 * (1 + 1e-9));
          expect(significant(rounded)).toBe(rounded);
          const digits = String(rounded)
            .replace(/^-|e.*$|\./g, "")
            .replace(/^0+|0+$/g, "");
          expect(digits.length).toBeLessThanOrEqual(12);
        },
      ),
    );
  });
});
