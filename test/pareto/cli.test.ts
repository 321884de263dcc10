import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/runCli.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-pareto-cli-"));
const study = (out: string, models = "systolic,flops", seeds = "0") => [
  "pareto",
  "--data",
  "data/cifar10-mini",
  "--preset",
  "smoke",
  "--lambdas",
  "0.5",
  "--hw-models",
  models,
  "--seeds",
  seeds,
  "--workers",
  "2",
  "--out",
  out,
  "--json",
];

/** Runs the CLI with the worker crash hook set (see src/pareto/worker.ts). */
function withCrashHook(hook: string, args: string[]) {
  process.env.UBOOST_PARETO_CRASH = hook;
  try {
    return runCli(args);
  } finally {
    delete process.env.UBOOST_PARETO_CRASH;
  }
}

const csvRows = (out: string) =>
  readFileSync(join(out, "results.csv"), "utf8").trimEnd().split("\n");

describe("uboost pareto", () => {
  const out = join(dir, "study");

  it("runs every (model, λ, seed) search and writes results, Table 4 and the figures", () => {
    const { status, stdout, stderr } = runCli(study(out));
    expect(stderr).toMatch(/2 tasks \(2 models × 1 λ × 1 seeds\), 2 workers/);
    expect(status).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.tasks).toEqual({ total: 2, resumed: 0, ran: 2, failed: 0 });
    expect(json.table.map((row: { model: string }) => row.model)).toEqual(["systolic", "flops"]);
    for (const model of json.models) {
      expect(model.front).toHaveLength(1);
      expect(model.hypervolume).toBeGreaterThan(0);
      expect(model.normalizedHypervolume).toBeLessThanOrEqual(1);
    }
    const rows = csvRows(out);
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatch(/^systolic,0\.5,0,ok,[\d.]+,[\d.]+,/);
    expect(rows[2]).toMatch(/^flops,0\.5,0,ok,/);
    expect(readFileSync(join(out, "table4.md"), "utf8")).toContain("| systolic | 0.5 | 1 |");
    for (const figure of ["pareto.svg", "channels.svg", "cell-systolic.svg", "cell-flops.svg"]) {
      expect(readFileSync(join(out, figure), "utf8")).toMatch(/^<svg/);
    }
    expect(readFileSync(join(out, "cell-flops.dot"), "utf8")).toMatch(/^digraph "flops cell/);
    expect(existsSync(join(out, "tasks", "systolic-l0.5-s0", "final.json"))).toBe(true);
  });

  it("--resume keeps finished tasks and runs only new ones; without it the folder is refused", () => {
    const again = runCli(study(out));
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already holds a pareto study; pass --resume/);

    const resumed = JSON.parse(runCli([...study(out), "--resume"]).stdout);
    expect(resumed.tasks).toEqual({ total: 2, resumed: 2, ran: 0, failed: 0 });

    const grown = JSON.parse(runCli([...study(out, "systolic,flops", "0,1"), "--resume"]).stdout);
    expect(grown.tasks).toEqual({ total: 4, resumed: 2, ran: 2, failed: 0 });
    expect(csvRows(out)).toHaveLength(5);
  });

  it("--resume with other search settings is refused", () => {
    const { status, stderr } = runCli([...study(out), "--resume", "--beta", "3"]);
    expect(status).toBe(2);
    expect(stderr).toMatch(/--resume: .* was run with other data, preset or search flags/);
  });

  it("retries a task whose worker crashed once", () => {
    const crashed = join(dir, "crash-once");
    const counter = join(dir, "crash-once.count");
    const { status, stdout } = withCrashHook(`systolic-l0.5-s0:1:${counter}`, study(crashed));
    expect(status).toBe(0);
    expect(JSON.parse(stdout).tasks).toEqual({ total: 2, resumed: 0, ran: 2, failed: 0 });
    expect(readFileSync(counter, "utf8")).toBe("1");
  });

  it("records a task that crashed twice as failed, finishes the others, exits 1", () => {
    const crashed = join(dir, "crash-twice");
    const counter = join(dir, "crash-twice.count");
    const run = withCrashHook(`flops-l0.5-s0:2:${counter}`, study(crashed));
    expect(run.status).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json.tasks).toEqual({ total: 2, resumed: 0, ran: 1, failed: 1 });
    expect(json.failed).toEqual([{ key: "flops-l0.5-s0", error: expect.any(String) }]);
    expect(run.stderr).toMatch(/task flops-l0.5-s0 failed twice: .*--resume to retry it/);
    const rows = csvRows(crashed);
    expect(rows[1]).toMatch(/^systolic,0\.5,0,ok,/);
    expect(rows[2]).toMatch(/^flops,0\.5,0,failed,,.*\S$/);
    expect(readFileSync(join(crashed, "cell-systolic.svg"), "utf8")).toMatch(/^<svg/);

    // --resume retries it (the hook is spent) and completes the study
    const resumed = JSON.parse(runCli([...study(crashed), "--resume"]).stdout);
    expect(resumed.tasks).toEqual({ total: 2, resumed: 1, ran: 1, failed: 0 });
  });

  const bad: [string[], RegExp][] = [
    [["--hw-models", "systolic,tpu"], /--hw-models: unknown cost model "tpu"/],
    [["--lambdas", "0.5,-1"], /--lambdas: must be numbers >= 0 \(got "-1"\)/],
    [["--lambdas", "fast"], /--lambdas: must be numbers >= 0 \(got "fast"\)/],
    [["--seeds", ","], /--seeds: give at least one seed/],
    [["--seeds", "1.5"], /--seeds: must be integers >= 0 \(got "1.5"\)/],
    [["--hw-models", ""], /--hw-models: give at least one cost model/],
    [["--hw-models", "blackbox"], /--hw-models blackbox needs --table FILE/],
    [["--workers", "0"], /--workers: must be a positive integer/],
    [["--preset", "huge"], /--preset: unknown preset "huge"/],
    [["--data", join(dir, "nowhere")], /nowhere: no such folder/],
  ];
  for (const [args, message] of bad) {
    it(`rejects ${args.join(" ")} with one line on stderr, exit 2`, () => {
      const lambdas = args.includes("--lambdas") ? [] : ["--lambdas", "0.5"];
      const base = ["pareto", "--data", "data/cifar10-mini", ...lambdas];
      const { status, stdout, stderr } = runCli([...base, "--out", join(dir, "bad"), ...args]);
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(status).toBe(2);
      expect(stdout).toBe("");
      expect(existsSync(join(dir, "bad"))).toBe(false);
    });
  }
});
