import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { abortLockstep, type LockstepMemory, lockstepMemory } from "../../src/pool/lockstep.js";
import { projectRoot } from "../../src/projectRoot.js";

const lockstepModule = pathToFileURL(join(projectRoot(), "dist/src/pool/lockstep.js")).href;

/** A thread that joins the group as `rank` and runs `body` (source text) with `lockstep` in scope. */
function rank(memory: LockstepMemory, rankIndex: number, body: string, data: unknown) {
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    import(${JSON.stringify(lockstepModule)}).then(({ joinLockstep }) => {
      const lockstep = joinLockstep(workerData.memory, workerData.rank);
      const data = workerData.data;
      try { parentPort.postMessage({ value: (() => { ${body} })() }); }
      catch (error) { parentPort.postMessage({ error: error.name }); }
    });`;
  const worker = new Worker(code, { eval: true, workerData: { memory, rank: rankIndex, data } });
  return new Promise<{ value?: unknown; error?: string }>((resolve, reject) => {
    worker.once("message", (message) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

describe("lockstep sums across worker threads", () => {
  it("every rank gets Σ weight·values added in rank order, over many rounds of small slots", async () => {
    await fc.assert(
      fc.asyncProperty(
        // up to 4 ranks: each adds up its own part of a round, some parts empty when short
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 1, max: 1e6 }),
        async (ranks, length, slotDoubles, seed) => {
          const values = Array.from({ length: ranks }, (_, r) =>
            Array.from({ length }, (_, i) => Math.sin(seed + 31 * r + i) * 1e3),
          );
          const weights = Array.from({ length: ranks }, (_, r) => (r + 1) / 7);
          const memory = lockstepMemory(ranks, slotDoubles);
          // Sums back to back: the second reuses slots the first one read; the third sums a
          // typed array into a longer buffer, whose tail it must leave alone.
          const body = `const first = lockstep.sum(data.values, data.weight);
            const second = lockstep.sum(data.values.map((v) => -v), 1);
            const into = new Float64Array(data.values.length + 2).fill(7);
            const third = lockstep.sum(Float64Array.from(data.values), 1, into);
            return [Array.from(first), Array.from(second), Array.from(into), third.length];`;
          const results = await Promise.all(
            values.map((mine, r) => rank(memory, r, body, { values: mine, weight: weights[r] })),
          );
          const expected = Array.from({ length }, (_, i) => {
            let sum = 0;
            for (let r = 0; r < ranks; r++) sum += values[r][i] * weights[r];
            return sum;
          });
          const negated = Array.from({ length }, (_, i) => {
            let sum = 0;
            for (let r = 0; r < ranks; r++) sum += -values[r][i];
            return sum;
          });
          const plain = negated.map((value) => -value);
          for (const result of results)
            expect(result.value).toEqual([expected, negated, [...plain, 7, 7], length]);
        },
      ),
      { numRuns: 12 },
    );
  });

  it("a rank waiting for one that never comes is woken by abort with LockstepAborted", async () => {
    const memory = lockstepMemory(2);
    const waiting = rank(memory, 0, "lockstep.barrier(); return 'passed';", null);
    setTimeout(() => abortLockstep(memory), 200);
    expect(await waiting).toEqual({ error: "LockstepAborted" });
  });
});
