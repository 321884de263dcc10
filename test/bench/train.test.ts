/**
 * `uboost bench train` as a user runs it: one backend by name, data-parallel figures beside the
 * one-thread ones, where a step's time goes as shares of it.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/runCli.js";

describe("uboost bench train", () => {
  it("--backends wasm --workers 2: one backend, its parallel figures, step shares within 0..1", () => {
    const { status, stdout, stderr } = runCli([
      ...["bench", "train", "--backends", "wasm", "--steps", "1", "--workers", "2", "--json"],
    ]);
    expect(status, stderr).toBe(0);
    const { backends } = JSON.parse(stdout);
    expect(Object.keys(backends)).toEqual(["wasm"]);
    const { parallel, step } = backends.wasm;
    expect(parallel.workers).toBe(2);
    for (const figure of [
      backends.wasm.imagesPerSec,
      parallel.imagesPerSec,
      parallel.mixedImagesPerSec,
    ])
      expect(figure).toBeGreaterThan(0);
    for (const share of [step.forward, parallel.step.forward, parallel.step.combine]) {
      expect(share).toBeGreaterThanOrEqual(0);
      expect(share).toBeLessThanOrEqual(1);
    }
  });

  it("an unknown backend: one line naming the flag, exit 2", () => {
    const { status, stderr } = runCli(["bench", "train", "--backends", "wasm,gpu"]);
    expect(status).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/--backends/);
  });
});
