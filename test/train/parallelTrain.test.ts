import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/projectRoot.js";
import { runCli } from "../cli/runCli.js";
import { derivedArch, everyOpEdges } from "../model/fixtures.js";
import { checkpointBin } from "../search/searchOutputs.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-parallel-train-"));
const shape = { layout: [true, true], resolution: 16, inChannels: 3, stemChannels: 8, classes: 10 };
const arch = derivedArch(shape, everyOpEdges, 8);
const archFile = join(dir, "arch.json");
writeFileSync(archFile, JSON.stringify(arch));

// 18 training images per class: 4 batches of ≤ 50 and one validation pass per epoch, so each
// rank's fifth sum ends the first epoch.
// `workers` null: no --workers flag (a resumed run keeps its recorded count).
const train = (
  out: string,
  flags: string[] = [],
  env?: Record<string, string>,
  workers: string | null = "2",
) =>
  runCli(
    [
      "train",
      ...["--arch", archFile, "--data", join(projectRoot(), "data", "cifar10-mini")],
      ...["--epochs", "2", "--batch", "50", "--images-per-class", "20", "--seed", "3"],
      ...(workers === null ? [] : ["--workers", workers]),
      ...["--out", out, "--json", ...flags],
    ],
    { env },
  );

/** The outputs that are a function of the flags, the checkpoint's binary file as run a names it. */
const outputs = () => [
  "metrics.jsonl",
  checkpointBin(join(dir, "a"), "checkpoint.json"),
  "model/model.json",
  "model/weights.bin",
];
const bytes = (run: string, file: string) => readFileSync(join(dir, run, file));

describe("train --workers 2", () => {
  it("two runs with the same seed write the same bytes", () => {
    for (const run of ["a", "b"]) {
      const result = train(join(dir, run));
      expect(result.status, result.stderr).toBe(0);
    }
    for (const file of outputs())
      expect(bytes("b", file).equals(bytes("a", file)), file).toBe(true);
  });

  it("a worker thread that dies stops the run with one line; --resume ends where run a did", () => {
    const out = join(dir, "crashed");
    const crashed = train(out, [], { UBOOST_LOCKSTEP_CRASH: "1:7" });
    expect(crashed.status).toBe(1);
    const lines = crashed.stderr.trim().split("\n");
    expect(lines.at(-1)).toMatch(
      /^uboost: worker thread 2 of 2 stopped \(exit code 1\); .* rerun with --resume to continue$/,
    );
    expect(crashed.stderr).not.toContain("    at ");
    expect(existsSync(join(out, "checkpoint.json"))).toBe(true);
    expect(existsSync(join(out, "model"))).toBe(false);
    // another worker count would end elsewhere (batch norm per share): refused, folder untouched
    const checkpoint = readFileSync(join(out, "checkpoint.json"));
    const otherCount = train(out, ["--resume"], undefined, "1");
    expect(otherCount.status).toBe(2);
    expect(otherCount.stderr.trim()).toMatch(
      /^uboost: --resume: --workers differs from the run in .* \(was 2, now 1\); pass the flags it was started with or choose another --out$/,
    );
    expect(readFileSync(join(out, "checkpoint.json")).equals(checkpoint)).toBe(true);
    // without --workers the run continues on the 2 it recorded
    const resumed = train(out, ["--resume"], undefined, null);
    expect(resumed.status, resumed.stderr).toBe(0);
    for (const file of outputs()) {
      expect(bytes("crashed", file).equals(bytes("a", file)), file).toBe(true);
    }
  });
});
