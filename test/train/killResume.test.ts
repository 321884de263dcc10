import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../src/projectRoot.js";
import { runCli } from "../cli/runCli.js";
import { derivedArch, everyOpEdges } from "../model/fixtures.js";

// kill -9 (no handler runs, nothing is flushed) in the middle of an epoch and right after one,
// then --resume: the same bytes as a run never stopped. (Search stages and Pareto studies take
// too long for the suite: test/scripts/kill-resume.mjs.)
const dir = mkdtempSync(join(tmpdir(), "uboost-kill-train-"));
const arch = join(dir, "arch.json");
const shape = { layout: [true, true], resolution: 16, inChannels: 3, stemChannels: 8, classes: 10 };
writeFileSync(arch, JSON.stringify(derivedArch(shape, everyOpEdges, 8)));
const data = join(projectRoot(), "data", "cifar10-mini");
const args = (out: string) => [
  "train",
  "--arch",
  arch,
  "--data",
  data,
  "--epochs",
  "2",
  "--batch",
  "50",
  "--images-per-class",
  "20",
  "--out",
  out,
];

/** Runs `args`, SIGKILLs it once its stderr matches `when`; resolves with what it had printed. */
function killWhen(command: string[], when: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const cli = join(projectRoot(), "dist/src/cli/main.js");
    const child = spawn(process.execPath, [cli, ...command], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      if (when.test(stderr)) child.kill("SIGKILL");
    });
    child.on("exit", (code, signal) =>
      signal === "SIGKILL" ? resolve(stderr) : reject(new Error(`exit ${code}: ${stderr}`)),
    );
  });
}

describe("train killed with SIGKILL, then --resume", () => {
  const reference = join(dir, "whole");

  beforeAll(() => {
    const whole = runCli(args(reference));
    expect(whole.status, whole.stderr).toBe(0);
  }, 120_000);

  it.each([
    ["mid-epoch", /^epoch 2\/2 .* 2\/4$/m],
    ["between-epochs", /^epoch 1: /m],
  ])(
    "%s: same metrics, model and checkpoint bytes as a run never stopped",
    async (name, when) => {
      const out = join(dir, name);
      const printed = await killWhen(args(out), when);
      expect(printed).toMatch(when);
      const resumed = runCli([...args(out), "--resume"]);
      expect(resumed.status, resumed.stderr).toBe(0);
      const metrics = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n");
      expect(metrics.map((line) => JSON.parse(line).epoch)).toEqual([1, 2]);
      const bin = (root: string) =>
        JSON.parse(readFileSync(join(root, "checkpoint.json"), "utf8")).weightsManifest[0].paths[0];
      expect(bin(out)).toBe(bin(reference));
      for (const file of ["metrics.jsonl", "model/model.json", "model/weights.bin", bin(out)]) {
        expect(
          readFileSync(join(out, file)).equals(readFileSync(join(reference, file))),
          file,
        ).toBe(true);
      }
    },
    120_000,
  );
});
