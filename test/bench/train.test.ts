/**
 * `uboost bench train` as a user runs it: one backend by name, data-parallel figures (lockstep and
 * independent) beside the one-thread ones, medians over rounds, where a step's time goes as
 * shares of it.
 */
import { describe, expect, it } from "vitest";
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
  it("--backends wasm --workers 2 --rounds 2: medians of the rounds, scaling within rounds, efficiency of the medians", () => {
    const { status, stdout, stderr } = runCli([
      ...["bench", "train", "--backends", "wasm", "--steps", "1", "--rounds", "2"],
      ...["--workers", "2", "--json"],
    ]);
    expect(status, stderr).toBe(0);
    const { backends } = JSON.parse(stdout);
    expect(Object.keys(backends)).toEqual(["wasm"]);
    const wasm = backends.wasm;
    const { parallel, step, rounds } = wasm;
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
  }, 300_000);

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
