/**
 * The sweep's own Parquet value encoders held to independent ones: DELTA_BINARY_PACKED byte for
 * byte against hyparquet-writer's encoder and read back by hyparquet's decoder, and the run
 * dictionary rebuilding its column exactly.
 */
import fc from "fast-check";
import { deltaBinaryUnpack } from "hyparquet/src/delta.js";
import { ByteWriter } from "hyparquet-writer";
import { deltaBinaryPack } from "hyparquet-writer/src/delta.js";
import { describe, expect, it } from "vitest";
import { runDictionary, writeDeltaBinaryPacked } from "../../src/sweep/parquetValues.js";

function ours(values: number[]): Uint8Array {
  const writer = new ByteWriter();
  writeDeltaBinaryPacked(writer, Float64Array.from(values), values.length);
  return writer.getBytes();
}

function theirs(values: number[]): Uint8Array {
  const writer = new ByteWriter();
  deltaBinaryPack(writer, values.map(BigInt), "INT64");
  return writer.getBytes();
}

function decoded(bytes: Uint8Array, count: number): number[] {
  const output = new BigInt64Array(count);
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.length), offset: 0 };
  deltaBinaryUnpack(reader, count, output);
  return Array.from(output, Number);
}

/** Whole numbers below 2^53 in the shapes sweep columns take: steps, stairs, jumps, noise. */
const column = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 2 ** 31 }), { maxLength: 300 }),
  fc.array(fc.maxSafeNat(), { maxLength: 300 }),
  fc
    .tuple(fc.maxSafeNat(), fc.integer({ min: -1000, max: 1000 }), fc.nat({ max: 400 }))
    .map(([first, step, count]) =>
      Array.from({ length: count }, (_, i) => Math.max(0, first + step * i)),
    ),
  fc
    .tuple(fc.integer({ min: 1, max: 50 }), fc.nat({ max: 400 }))
    .map(([run, count]) =>
      Array.from({ length: count }, (_, i) => 1024 * Math.ceil((i + 1) / run)),
    ),
);

describe("writeDeltaBinaryPacked", () => {
  it("writes worked cases as the spec lays them out", () => {
    // header: block 128, 4 miniblocks, 16 values, first 0; one block: least delta 1, widths 0
    expect(Buffer.from(ours(Array.from({ length: 16 }, (_, i) => i))).toString("hex")).toBe(
      "80010410" + "00" + "02" + "00000000",
    );
    // one value: the header alone
    expect(Buffer.from(ours([5])).toString("hex")).toBe("800104010a");
    // 2^52 then 0: a delta of −2^52 is the least, the miniblock holds one 0 at width 0
    expect(decoded(ours([2 ** 52, 0]), 2)).toEqual([2 ** 52, 0]);
  });

  it("is byte for byte hyparquet-writer's encoding, and hyparquet decodes it back", () => {
    fc.assert(
      fc.property(column, (values) => {
        const bytes = ours(values);
        expect(Buffer.from(bytes).equals(Buffer.from(theirs(values)))).toBe(true);
        expect(decoded(bytes, values.length)).toEqual(values);
      }),
      { numRuns: 300 },
    );
  });
});

describe("runDictionary", () => {
  it("rebuilds its column from the dictionary and the runs of keys", () => {
    const values = Float64Array.from([7, 7, 7, 0.5, 0.5, 7, 9, 9, 9, 9]);
    const runs = runDictionary(values, values.length, 5);
    expect(runs).toBeDefined();
    expect(Array.from(runs?.dictionary ?? [])).toEqual([7, 0.5, 9]);
    expect(Array.from(runs?.keys.subarray(0, runs.runs) ?? [])).toEqual([0, 1, 0, 2]);
    expect(Array.from(runs?.lengths.subarray(0, runs.runs) ?? [])).toEqual([3, 2, 1, 4]);
    // four runs are more than three
    expect(runDictionary(values, values.length, 3)).toBeUndefined();
    // no runs allowed (a column of 2 values at one run in 8), and no values
    expect(runDictionary(Float64Array.from([1, 1]), 2, 0)).toBeUndefined();
    expect(runDictionary(new Float64Array(0), 0, 4)).toBeUndefined();
  });

  it("never gives more runs than allowed, and they rebuild the column", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 200 }),
        fc.nat({ max: 60 }),
        (keys, maxRuns) => {
          const values = Float64Array.from(keys, (key) => key / 4);
          const runs = runDictionary(values, values.length, maxRuns);
          let changes = 1;
          for (let i = 1; i < keys.length; i++) if (keys[i] !== keys[i - 1]) changes++;
          if (changes > maxRuns) {
            expect(runs).toBeUndefined();
            return;
          }
          expect(runs?.runs).toBe(changes);
          const rebuilt: number[] = [];
          for (let run = 0; run < (runs?.runs ?? 0); run++) {
            const value = runs?.dictionary[runs.keys[run]] as number;
            for (let i = 0; i < (runs?.lengths[run] ?? 0); i++) rebuilt.push(value);
          }
          expect(rebuilt).toEqual(Array.from(values));
          expect(new Set(runs?.dictionary).size).toBe(runs?.dictionary.length);
        },
      ),
    );
  });
});
