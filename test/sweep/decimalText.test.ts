import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runtimeMsOf } from "../../src/engine/network.js";
import { costModelByName, modelContext } from "../../src/hw/models/index.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import { costRows, rowCoster } from "../../src/sweep/costRows.js";
import { runtimeMsWriter, writeNumber } from "../../src/sweep/decimalText.js";
import { parseFamily } from "../../src/sweep/family.js";

const bytes = new Uint8Array(64);
const decoder = new TextDecoder();
const numberText = (value: number) =>
  decoder.decode(bytes.subarray(0, writeNumber(bytes, 0, value)));
const runtimeText = (clockHz: number) => {
  const write = runtimeMsWriter(clockHz);
  return (cycles: number) => decoder.decode(bytes.subarray(0, write(bytes, 0, cycles)));
};

describe("writeNumber", () => {
  it("writes whole numbers and fractions as String does (worked cases)", () => {
    expect(numberText(0)).toBe("0");
    expect(numberText(-0)).toBe("0");
    expect(numberText(1814073344)).toBe("1814073344");
    expect(numberText(2 ** 53 - 1)).toBe("9007199254740991");
    // 9/1024: 15 digits or fewer, trailing zeros dropped
    expect(numberText(0.0087890625)).toBe("0.0087890625");
    // 16 digits, 17 digits, and 16 digits past 2^53 (a utilization near 1)
    expect(numberText(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(numberText(0.12310896601928388)).toBe("0.12310896601928388");
    expect(numberText(0.9942730783045977)).toBe("0.9942730783045977");
    expect(numberText(1 / 3)).toBe("0.3333333333333333");
    expect(numberText(123.456)).toBe("123.456");
    // outside 1e-6 ≤ x < 1e15 String's own text, exponents included
    expect(numberText(1e-7)).toBe("1e-7");
    expect(numberText(2 ** 53 + 2)).toBe("9007199254740994");
    expect(numberText(1e21)).toBe("1e+21");
    expect(numberText(-1.5)).toBe("-1.5");
  });

  it("equals String for any double", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (value) => {
        expect(numberText(value)).toBe(String(value));
      }),
      { numRuns: 20000 },
    );
  });

  it("equals String for doubles from 1e-6 to 1e15, where it does its own digits", () => {
    const scaled = fc
      .tuple(fc.double({ min: 1, max: 10, noNaN: true }), fc.integer({ min: -6, max: 14 }))
      .map(([mantissa, power]) => mantissa * 10 ** power);
    fc.assert(
      fc.property(scaled, (value) => {
        expect(numberText(value)).toBe(String(value));
      }),
      { numRuns: 15000 },
    );
  });

  it("equals String for utilizations: ratios of whole numbers, many near 1", () => {
    const ratio = fc
      .tuple(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 0, max: 2 ** 20 }))
      .map(([denominator, shortfall]) => (denominator - (shortfall % denominator)) / denominator);
    const utilization = fc
      .tuple(fc.integer({ min: 1, max: 2 ** 34 }), fc.integer({ min: 1, max: 2 ** 24 }))
      .map(([macs, cycles]) => macs / (cycles * 16384));
    fc.assert(
      fc.property(fc.oneof(ratio, utilization), (value) => {
        expect(numberText(value)).toBe(String(value));
      }),
      { numRuns: 15000 },
    );
  });

  it("equals String from 0.9007199254740992 to 1, where 16 digits pass 2^53", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.9007199254740992, max: 1, noNaN: true }), (value) => {
        expect(numberText(value)).toBe(String(value));
      }),
      { numRuns: 20000 },
    );
  });

  it("equals String for every util and smoothUtil of a 65,536-row systolic family", () => {
    const family = parseFamily("conv:k=3,c=1..256,f=1..256,h=32,w=32");
    const spec = {
      networks: [{ kind: "family" as const, family }],
      arrays: [{ rows: 128, cols: 128 }],
      batches: [1],
      model: "systolic",
      hardware: defaultSimConfig,
    };
    const model = costModelByName("systolic");
    const rows = costRows(rowCoster(spec, model, modelContext({})), 0, 256 * 256);
    let mismatches = 0;
    for (const column of [rows.util, rows.smoothUtil]) {
      for (const value of column) if (numberText(value) !== String(value)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe("runtimeMsWriter", () => {
  it("puts the point into the cycle count at round clocks (worked by hand)", () => {
    const at1GHz = runtimeText(1e9);
    expect(at1GHz(1024)).toBe("0.001024");
    expect(at1GHz(1781760)).toBe("1.78176");
    expect(at1GHz(1)).toBe("0.000001");
    expect(at1GHz(2_000_000)).toBe("2");
    expect(at1GHz(0)).toBe("0");
    // 250 MHz: 4 ns a cycle
    expect(runtimeText(2.5e8)(1000)).toBe("0.004");
    // 1 MHz: 1 µs a cycle; below 1e-6 ms String switches to an exponent
    expect(runtimeText(1e6)(1234567)).toBe("1234.567");
    expect(runtimeText(1e10)(1)).toBe("1e-7");
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
        const text = runtimeText(clockHz);
        for (const count of counts) expect(text(count)).toBe(String(runtimeMsOf(count, clockHz)));
      }),
      { numRuns: 2000 },
    );
  });
});
