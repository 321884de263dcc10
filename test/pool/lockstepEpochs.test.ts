import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WorkerFailure } from "../../src/errors.js";
import { runLockstepEpochs } from "../../src/pool/lockstepEpochs.js";

const rankFile = join(import.meta.dirname, "../fixtures/epochRank.mjs");

describe("a lockstep run of epochs", () => {
  it("hands rank 0's batches and epochs, every argument, to the callbacks and returns its result", async () => {
    const batches: unknown[] = [];
    const epochs: unknown[][] = [];
    const result = await runLockstepEpochs(rankFile, 3, { dies: -1 }, "/runs/a", {
      onBatch: (batch) => batches.push(batch),
      onEpoch: (...epoch) => epochs.push(epoch),
    });
    expect(result).toEqual({ rank: 0 });
    expect(batches).toEqual([
      { rank: 0, batch: 1 },
      { rank: 0, batch: 2 },
    ]);
    expect(epochs).toEqual([[{ rank: 0, epoch: 1 }, { seconds: 0.5 }]]);
  });

  it("a rank that dies: one line naming it and the folder to resume from", async () => {
    const run = runLockstepEpochs(rankFile, 2, { dies: 1 }, "/runs/b", {});
    await expect(run).rejects.toThrow(WorkerFailure);
    await expect(run).rejects.toThrow(
      /^worker thread 2 of 2 stopped \(exit code 3\); \/runs\/b keeps the last finished epoch's checkpoint: rerun with --resume to continue$/,
    );
  });
});
