import fc from "fast-check";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { seededOrder, shuffleInPlace } from "../../src/data/shuffle.js";

describe("seeded shuffle", () => {
  it("is a permutation, the same for the same seed", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer(), (count, seed) => {
        const order = seededOrder(count, seed);
        expect([...order].sort((a, b) => a - b)).toEqual([...Array(count).keys()]);
        expect(seededOrder(count, seed)).toEqual(order);
      }),
    );
    expect(seededOrder(50, 1)).not.toEqual(seededOrder(50, 2));
  });

  it("swaps i with j drawn from [0, i], last index first", () => {
    // the same draws, replayed by hand on a copy of the generator
    const rng = xoroshiro128plus(7);
    const replay = rng.clone();
    const swaps = [4, 3, 2, 1].map((i) => [i, uniformInt(replay, 0, i)]);
    const expected = ["a", "b", "c", "d", "e"];
    for (const [i, j] of swaps) [expected[i], expected[j]] = [expected[j], expected[i]];
    expect(shuffleInPlace(["a", "b", "c", "d", "e"], rng)).toEqual(expected);
    // the generator moved on exactly as far as the replay
    expect(uniformInt(rng, 0, 1000)).toBe(uniformInt(replay, 0, 1000));
  });
});
