import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/projectRoot.js";
import { runCli } from "../cli/runCli.js";
import { repeatableSearchOutputs } from "./searchOutputs.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-parallel-search-"));
/** `workers` null: no --workers flag (a resumed search keeps its recorded count). */
const search = (
  out: string,
  flags: string[] = [],
  env?: Record<string, string>,
  workers: string | null = "2",
) =>
  runCli(
    [
      ...["search", "--data", join(projectRoot(), "data", "cifar10-mini"), "--preset", "smoke"],
      ...["--seed", "2", ...(workers === null ? [] : ["--workers", workers])],
      ...["--out", out, "--json", ...flags],
    ],
    { env },
  );

const bytes = (run: string, file: string) => readFileSync(join(dir, run, file));

describe("search --workers 2", () => {
  it("two runs with the same seed write the same bytes", () => {
    for (const run of ["a", "b"]) {
      const result = search(join(dir, run));
      expect(result.status, result.stderr).toBe(0);
    }
    for (const file of repeatableSearchOutputs(join(dir, "a")))
      expect(bytes("b", file).equals(bytes("a", file)), file).toBe(true);
  });

  // The smoke preset's stages run one epoch of 4 batches and a validation pass each: every rank's
  // 7th sum falls in the channel stage, after the micro stage has finished and been saved.
  it("a worker thread that dies mid-stage stops the run with one line; --resume ends where run a did", () => {
    const out = join(dir, "crashed");
    const crashed = search(out, [], { UBOOST_LOCKSTEP_CRASH: "0:7" });
    expect(crashed.status).toBe(1);
    expect(crashed.stderr.trim().split("\n").at(-1)).toMatch(
      /^uboost: worker thread 1 of 2 stopped \(exit code 1\); .* rerun with --resume to continue$/,
    );
    expect(existsSync(join(out, "checkpoint-micro.json"))).toBe(true);
    expect(existsSync(join(out, "arch.json"))).toBe(false);
    // another worker count would end elsewhere (batch norm per share): refused, folder untouched
    const state = readFileSync(join(out, "state.json"));
    const otherCount = search(out, ["--resume"], undefined, "1");
    expect(otherCount.status).toBe(2);
    expect(otherCount.stderr.trim()).toMatch(
      /^uboost: --resume: --workers differs from the search in .* \(was 2, now 1\); pass --workers 2$/,
    );
    expect(readFileSync(join(out, "state.json")).equals(state)).toBe(true);
    // without --workers the search continues on the 2 it recorded
    const resumed = search(out, ["--resume"], undefined, null);
    expect(resumed.status, resumed.stderr).toBe(0);
    for (const file of repeatableSearchOutputs(join(dir, "a"))) {
      expect(bytes("crashed", file).equals(bytes("a", file)), file).toBe(true);
    }
  });
});
