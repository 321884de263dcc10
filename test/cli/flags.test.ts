import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseChannelRange } from "../../src/cli/flags/channels.js";
import { listOf, nonEmptyList } from "../../src/cli/flags/lists.js";
import {
  nonNegativeInteger,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
  seedOf,
} from "../../src/cli/flags/numbers.js";
import { parseFailure } from "../../src/cli/flags/parseErrors.js";
import { InputError } from "../../src/errors.js";

describe("numbers from flags", () => {
  it("reads integers written as plain digits, whatever their size", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => {
        expect(positiveInteger(` ${n} `, "--n")).toBe(n);
        expect(nonNegativeInteger(String(n - 1), "--n")).toBe(n - 1);
      }),
    );
  });

  it("reads exponent form with a whole value, refuses signs, fractions and blanks", () => {
    expect(positiveInteger("1e3", "--n")).toBe(1000);
    expect(positiveInteger("2.5e1", "--n")).toBe(25);
    for (const bad of ["-1", "1.5", "1e-3", "3.0", "", " ", "0x10", "NaN"]) {
      expect(() => nonNegativeInteger(bad, "--seed")).toThrow(
        new InputError(`--seed: must be an integer >= 0 (got ${JSON.stringify(bad)})`),
      );
    }
    expect(() => positiveInteger("0", "--batch")).toThrow(
      new InputError('--batch: must be a positive integer (got "0")'),
    );
    expect(seedOf("0")).toBe(0);
    expect(() => seedOf("1.0")).toThrow(/^--seed: must be an integer >= 0 \(got "1.0"\)$/);
  });

  it("reads other numbers as Number() does, refusing blanks, NaN and infinities", () => {
    expect(positiveNumber("1e9", "--clock")).toBe(1e9);
    expect(nonNegativeNumber("0", "--lambda")).toBe(0);
    expect(nonNegativeNumber(" 0.25 ", "--lambda")).toBe(0.25);
    for (const bad of ["", "-0.1", "Infinity", "fast"]) {
      expect(() => nonNegativeNumber(bad, "--lambda")).toThrow(
        new InputError(`--lambda: must be a number >= 0 (got ${JSON.stringify(bad)})`),
      );
    }
    expect(() => positiveNumber("0", "--lr")).toThrow(/--lr: must be a positive number/);
  });
});

describe("list flags", () => {
  it("splits on commas, trims, and adds up a flag given twice", () => {
    expect(listOf(" a, b ,c", "--x")).toEqual(["a", "b", "c"]);
    expect(listOf(["a,b", "c"], "--x")).toEqual(["a", "b", "c"]);
  });

  it("reads an empty or absent flag as an empty list and refuses empty items", () => {
    expect(listOf(undefined, "--x")).toEqual([]);
    expect(listOf("  ", "--x")).toEqual([]);
    for (const bad of ["a,,b", "a,", ",", ", a"]) {
      expect(() => listOf(bad, "--x")).toThrow(new InputError(`--x: empty item in "${bad}"`));
    }
    expect(() => nonEmptyList("", "--seeds", "seed", seedOf)).toThrow(
      new InputError("--seeds: give at least one seed"),
    );
    expect(nonEmptyList("3,1,3", "--seeds", "seed", seedOf)).toEqual([3, 1, 3]);
  });
});

describe("channel ranges", () => {
  it("are MIN:MAX:STEP with all three given", () => {
    expect(parseChannelRange("16:64:16")).toEqual({ min: 16, max: 64, step: 16 });
    expect(parseChannelRange(" 8 : 8 : 1 ")).toEqual({ min: 8, max: 8, step: 1 });
    for (const bad of ["8:12", "64:16:8", "0:8:1", "8:16:0", "a:b:c", "8:16:4:2"]) {
      expect(() => parseChannelRange(bad)).toThrow(
        new InputError(
          `--channels: expected MIN:MAX:STEP with 1 <= MIN <= MAX and STEP >= 1, such as 64:280:8 (got "${bad}")`,
        ),
      );
    }
  });
});

describe("yargs's refusals", () => {
  it("become one InputError line in the flags' own words", () => {
    const choices =
      'Invalid values:\n  Argument: preset, Given: "huge", Choices: "paper", "demo", "smoke"';
    expect(parseFailure(choices, undefined)).toEqual(
      new InputError('--preset: unknown value "huge" (known: paper, demo, smoke)'),
    );
    const coerced = Object.assign(new Error('--x: empty item in "a,"'), { name: "YError" });
    expect(parseFailure(null, coerced)).toEqual(new InputError('--x: empty item in "a,"'));
    const bug = new TypeError("bug");
    expect(parseFailure(null, bug)).toBe(bug);
  });
});
