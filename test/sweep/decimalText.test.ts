import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runtimeMsOf } from "../../src/engine/network.js";
import { runtimeMsText } from "../../src/sweep/decimalText.js";

/** What the text must equal: the runtime double printed by JavaScript. */
const printed = (cycles: number, clockHz: number) => String(runtimeMsOf(cycles, clockHz));

describe("runtimeMsText", () => {
  it("puts the point into the cycle count at round clocks (worked by hand)", () => {
    const at1GHz = runtimeMsText(1e9);
    expect(at1GHz(1024)).toBe("0.001024");
    expect(at1GHz(1781760)).toBe("1.78176");
    expect(at1GHz(1)).toBe("0.000001");
    expect(at1GHz(2_000_000)).toBe("2");
    expect(at1GHz(0)).toBe("0");
    // 250 MHz: 4 ns a cycle
    expect(runtimeMsText(2.5e8)(1000)).toBe("0.004");
    // 1 MHz: 1 µs a cycle; below 1e-6 ms String switches to an exponent
    expect(runtimeMsText(1e6)(1234567)).toBe("1234.567");
    expect(runtimeMsText(1e10)(1)).toBe("1e-7");
  });

  it("equals String(runtimeMsOf) for whole and fractional cycles at any clock", () => {
    const clock = fc.oneof(
      fc.constantFrom(1e9, 2.5e8, 5e8, 1e6, 7e8, 1.5e9, 3e9, 1, 3, 1e12, 1e15, 2 ** 40),
      fc.integer({ min: 1, max: 2 ** 40 }),
    );
    const cycles = fc.oneof(
      fc.integer({ min: 0, max: 10_000 }),
      fc.integer({ min: 0, max: Math.floor(Number.MAX_SAFE_INTEGER / 1000) }),
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      fc.double({ min: 0, max: 1e12, noNaN: true }),
    );
    fc.assert(
      fc.property(clock, fc.array(cycles, { minLength: 1, maxLength: 50 }), (clockHz, counts) => {
        const text = runtimeMsText(clockHz);
        for (const count of counts) expect(text(count)).toBe(printed(count, clockHz));
      }),
      { numRuns: 2000 },
    );
  });

  it("equals String(runtimeMsOf) at 1 GHz over every digit count of whole cycles", () => {
    const text = runtimeMsText(1e9);
    for (let power = 1; power <= 9e12; power *= 10) {
      for (const count of [power - 1, power, power + 1, 7 * power, 3 * power + 5]) {
        expect(text(count)).toBe(printed(count, 1e9));
      }
    }
  });
});
