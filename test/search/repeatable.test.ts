import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/projectRoot.js";
import { runCli } from "../cli/runCli.js";
import { checkpointBin, repeatableSearchOutputs } from "./searchOutputs.js";

// Same seed, backend and worker count (one: the calling thread) → the same bytes in every output but the wall-clock ones (timing.json,
// timing.jsonl, and the checkpoints' JSON, which carries them). Seed 0 is the one tfjs's
// randomNormal used to treat as "unseeded".
const data = join(projectRoot(), "data", "cifar10-mini");
const dir = mkdtempSync(join(tmpdir(), "uboost-repeatable-"));

function expectSameBytes(first: string, second: string, files: string[]) {
  for (const file of files) {
    const bytes = (root: string) => readFileSync(join(root, file));
    expect(bytes(second).equals(bytes(first)), file).toBe(true);
  }
}

const search = (out: string) =>
  runCli([
    ...["search", "--data", data, "--preset", "smoke", "--seed", "0", "--workers", "1"],
    ...["--out", out, "--json"],
  ]);
const train = (out: string, ...flags: string[]) =>
  runCli([
    "train",
    "--arch",
    join(dir, "search-1", "arch.json"),
    "--data",
    data,
    "--epochs",
    "2",
    "--batch",
    "50",
    "--images-per-class",
    "20",
    "--workers",
    "1",
    "--out",
    out,
    "--json",
    ...flags,
  ]);

describe("same seed, same bytes", () => {
  it("two smoke searches with seed 0: arch.json, metrics, final figures and weights", () => {
    const runs = ["search-1", "search-2"].map((name) => {
      const result = search(join(dir, name));
      expect(result.status, result.stderr).toBe(0);
      return JSON.parse(result.stdout);
    });
    const outputs = repeatableSearchOutputs(join(dir, "search-1"));
    expectSameBytes(join(dir, "search-1"), join(dir, "search-2"), outputs);
    expect(runs[1].final).toEqual(runs[0].final);
    const metrics = readFileSync(join(dir, "search-1", "metrics.jsonl"), "utf8");
    expect(metrics).not.toMatch(/seconds|PerSec|Share/);
  });

  it("search --resume on another backend is refused, naming --backend", () => {
    const arch = JSON.parse(readFileSync(join(dir, "search-1", "arch.json"), "utf8"));
    const other = arch.settings.backend === "cpu" ? "wasm" : "cpu";
    const out = join(dir, "search-1");
    const { status, stderr } = runCli([
      "search",
      "--data",
      data,
      "--preset",
      "smoke",
      "--seed",
      "0",
      "--out",
      out,
      "--resume",
      "--backend",
      other,
    ]);
    expect(status).toBe(2);
    // one line of error before anything starts, and no stack trace
    const error = stderr.trim().split("\n");
    expect(error).toHaveLength(1);
    expect(error[0]).toContain("--resume: --backend differs");
    expect(error[0]).toContain(`was ${arch.settings.backend}, now ${other}`);
  });

  it("two train runs of one arch with seed 0: metrics and weights", () => {
    const runs = ["train-1", "train-2"].map((name) => {
      const result = train(join(dir, name));
      expect(result.status, result.stderr).toBe(0);
      return result.stdout;
    });
    expect(runs[1]).toBe(runs[0]);
    expectSameBytes(join(dir, "train-1"), join(dir, "train-2"), [
      "metrics.jsonl",
      checkpointBin(join(dir, "train-1"), "checkpoint.json"),
      "model/model.json",
      "model/weights.bin",
    ]);
    const timing = readFileSync(join(dir, "train-1", "timing.jsonl"), "utf8")
      .trim()
      .split("\n");
    const metrics = readFileSync(join(dir, "train-1", "metrics.jsonl"), "utf8")
      .trim()
      .split("\n");
    expect(metrics.map((line) => JSON.parse(line).epoch)).toEqual([1, 2]);
    expect(timing.map((line) => Object.keys(JSON.parse(line)))).toEqual([
      ["epoch", "seconds", "imagesPerSec"],
      ["epoch", "seconds", "imagesPerSec"],
    ]);
  });

  it.each([
    [["--lr", "0.05"], "--lr", "was 0.1, now 0.05"],
    [["--seed", "1"], "--seed", "was 0, now 1"],
    [["--backend", "cpu"], "--backend", "now cpu"],
  ])(
    "train --resume %j refuses a run started with other flags, naming the flag",
    (flags, flag, values) => {
      const { status, stderr } = train(join(dir, "train-1"), "--resume", ...flags);
      expect(status).toBe(2);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).toContain(`--resume: ${flag} differs`);
      expect(stderr).toContain(values);
    },
  );
});
