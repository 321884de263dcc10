/**
 * `uboost bench train`: one backend by name, data-parallel figures (lockstep and independent)
 * beside the one-thread ones, medians over rounds, where a step's time goes as shares of it. The
 * figures come from the bench itself at a batch of 8 (a user's runs take 64): how they relate to
 * their rounds does not depend on the batch, and the run takes seconds instead of most of a
 * minute. A forward pass still takes a fifth of a step (measured 0.19-0.34 over 8 rounds), far
 * from the share of 1 that the test allows. The flags are checked through the CLI.
 */
import { describe, expect, it } from "vitest";
import { benchTrain } from "../../bench/train.js";
import { runCli } from "../cli/runCli.js";

/** The middle value, or the mean of the two middle ones: computed here apart from the bench's. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The value at a dotted path, e.g. "parallel.step.combine". */
function at(record: unknown, path: string): number {
  return path
    .split(".")
    .reduce((value, key) => (value as Record<string, unknown>)[key], record) as number;
}

describe("uboost bench train", () => {
  it("wasm, 2 workers, 2 rounds: medians of the rounds, scaling within rounds, efficiency of the medians", async () => {
    const { backends } = await benchTrain({
      backends: ["wasm"],
      batch: 8,
      steps: 1,
      rounds: 2,
      workers: 2,
    });
    expect(Object.keys(backends)).toEqual(["wasm"]);
    const wasm = backends.wasm;
    const { step, rounds } = wasm;
    const parallel = wasm.parallel;
    if (parallel === undefined) throw new Error("no parallel figures with workers");
    expect(wasm.batch).toBe(8);
    expect(parallel.workers).toBe(2);
    expect(rounds).toHaveLength(2);

    const figures = [
      ...["imagesPerSec", "mixedImagesPerSec", "gflops", "step.seconds", "step.forward"],
      ...["parallel.imagesPerSec", "parallel.mixedImagesPerSec", "parallel.step.combine"],
      ...["parallel.independent.imagesPerSec", "parallel.independent.mixedImagesPerSec"],
    ];
    for (const figure of figures) {
      expect(at(wasm, figure), figure).toBeCloseTo(
        median(rounds.map((r: unknown) => at(r, figure))),
        9,
      );
    }
    for (const figure of figures.filter((name) => name.endsWith("imagesPerSec"))) {
      for (const round of [wasm, ...rounds]) expect(at(round, figure), figure).toBeGreaterThan(0);
    }

    const withinRounds = (of: string, network: "imagesPerSec" | "mixedImagesPerSec") =>
      median(rounds.map((r: unknown) => at(r, `${of}.${network}`) / at(r, network)));
    expect(parallel.scaling.plain).toBeCloseTo(withinRounds("parallel", "imagesPerSec"), 9);
    expect(parallel.scaling.mixed).toBeCloseTo(withinRounds("parallel", "mixedImagesPerSec"), 9);
    const { independent } = parallel;
    expect(independent.scaling.plain).toBeCloseTo(
      withinRounds("parallel.independent", "imagesPerSec"),
      9,
    );
    expect(independent.scaling.mixed).toBeCloseTo(
      withinRounds("parallel.independent", "mixedImagesPerSec"),
      9,
    );
    expect(parallel.efficiency.plain).toBeCloseTo(
      parallel.imagesPerSec / independent.imagesPerSec,
      12,
    );
    expect(parallel.efficiency.mixed).toBeCloseTo(
      parallel.mixedImagesPerSec / independent.mixedImagesPerSec,
      12,
    );

    for (const share of [step.forward, parallel.step.forward, parallel.step.combine]) {
      expect(share).toBeGreaterThanOrEqual(0);
      expect(share).toBeLessThanOrEqual(1);
    }
    // Lockstep ranks spend part of a step combining; the single thread never does.
    expect(parallel.step.combine).toBeGreaterThan(0);
    expect(step.combine).toBe(0);
  }, 120_000);

  it("an unknown backend: one line naming the flag, exit 2", () => {
    const { status, stderr } = runCli(["bench", "train", "--backends", "wasm,gpu"]);
    expect(status).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/--backends/);
  });

  it.each(["0", "-1", "1.5", "three"])(
    "--rounds %s: one line naming the flag, exit 2",
    (rounds) => {
      const { status, stderr } = runCli([
        "bench",
        "train",
        "--backends",
        "wasm",
        "--rounds",
        rounds,
      ]);
      expect(status).toBe(2);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toMatch(/--rounds/);
    },
  );
});
