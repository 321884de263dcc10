import { join } from "node:path";
import type { Piscina } from "piscina";
import { describe, expect, it } from "vitest";
import { createPool, type RowRange, runRanges } from "../../src/pool/chunkPool.js";

/**
 * A stand-in pool whose range `start` settles after `delays[start]` ms: later ranges finish
 * first, and the range `failing` fails every time.
 */
function fakePool(delays: number[], failing = -1): Piscina {
  const run = ({ start }: RowRange) =>
    new Promise((resolve, reject) =>
      setTimeout(
        () => (start === failing ? reject(new Error(`range ${start}`)) : resolve(start * 10)),
        delays[start],
      ),
    );
  return { run } as unknown as Piscina;
}

function* ranges(count: number): Generator<RowRange> {
  for (let start = 0; start < count; start++) yield { start, end: start + 1 };
}

async function delivered(delays: number[], inOrder: boolean, failing?: number) {
  const seen: [number, number][] = [];
  const failed = await runRanges<number>({
    pool: fakePool(delays, failing),
    ranges: ranges(delays.length),
    maxInFlight: 3,
    inOrder,
    onResult: (range, result) => seen.push([range.start, result]),
  });
  return { seen, failed: failed.map((range) => range.start) };
}

describe("runRanges", () => {
  const slowFirst = [40, 30, 20, 10, 1, 1, 1, 1];

  it("delivers in completion order by default", async () => {
    const { seen } = await delivered(slowFirst, false);
    expect(seen.map(([start]) => start)).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(seen.map(([start]) => start).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("inOrder: in the order drawn, whichever finishes first, each result with its range", async () => {
    const { seen } = await delivered(slowFirst, true);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((start) => [start, start * 10]));
  });

  it("inOrder: a range that fails twice is passed over and reported", async () => {
    const { seen, failed } = await delivered(slowFirst, true, 1);
    expect(seen.map(([start]) => start)).toEqual([0, 2, 3, 4, 5, 6, 7]);
    expect(failed).toEqual([1]);
  });

  it("inOrder: a slow or failing first range holds the rest back without stalling the run", async () => {
    const slowHead = [30, ...new Array(20).fill(1)];
    const all = slowHead.map((_, start) => start);
    expect((await delivered(slowHead, true)).seen.map(([start]) => start)).toEqual(all);
    const { seen, failed } = await delivered(slowHead, true, 0);
    expect(seen.map(([start]) => start)).toEqual(all.slice(1));
    expect(failed).toEqual([0]);
  });
});

describe("createPool", () => {
  // A thread terminated inside require(esm) aborts the process (chunkPool.ts): pool threads load
  // their task module through import(), which piscina falls back to when require() refuses.
  it("runs ES-module tasks in threads whose require() does not load ES modules", async () => {
    const pool = createPool(join(import.meta.dirname, "../fixtures/requireEsmProbe.mjs"), 1, null);
    try {
      expect(await pool.run(null)).toBe("ERR_REQUIRE_ESM");
    } finally {
      await pool.destroy();
    }
  });
});
