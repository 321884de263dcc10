import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import {
  imageChannels,
  loadCifar10,
  pixelsPerChannel,
  recordBytes,
} from "../../src/data/cifar10.js";
import { runCli } from "../cli/runCli.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-pareto-cli-"));
const study = (
  out: string,
  models = "systolic,flops",
  seeds = "0",
  lambdas = ["--lambdas", "0.5"],
  workers = "2",
  data = "data/cifar10-mini",
) => [
  "pareto",
  "--data",
  data,
  "--preset",
  "smoke",
  ...lambdas,
  "--hw-models",
  models,
  "--seeds",
  seeds,
  "--workers",
  workers,
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

/**
 * An ImageNet-style folder (train/ and val/, a subfolder of 32×32 PNGs per class) of the first
 * `perClass` images of each class of the shipped CIFAR-10 images.
 */
async function pngFolderFromCifar(root: string, perClass: { train: number; val: number }) {
  const cifar = await loadCifar10("data/cifar10-mini");
  for (const [split, set] of [
    ["train", cifar.train],
    ["val", cifar.test],
  ] as const) {
    const written = cifar.classNames.map(() => 0);
    for (const index of set.indices) {
      const record = set.records.subarray(index * recordBytes, (index + 1) * recordBytes);
      const label = record[0];
      if (written[label] === perClass[split]) continue;
      const png = new PNG({ width: 32, height: 32 });
      for (let pixel = 0; pixel < pixelsPerChannel; pixel++) {
        for (let channel = 0; channel < imageChannels; channel++) {
          png.data[pixel * 4 + channel] = record[1 + channel * pixelsPerChannel + pixel];
        }
        png.data[pixel * 4 + 3] = 255;
      }
      const classDir = join(root, split, cifar.classNames[label]);
      mkdirSync(classDir, { recursive: true });
      writeFileSync(join(classDir, `${written[label]++}.png`), PNG.sync.write(png));
    }
  }
  return root;
}

/** train/ and val/ whose one class folder holds no image. */
function emptyClassFolder(): string {
  const root = join(dir, "no-images");
  for (const split of ["train", "val"]) mkdirSync(join(root, split, "cat"), { recursive: true });
  return root;
}

describe("uboost pareto", () => {
  const out = join(dir, "study");

  it("runs every (model, λ, seed) search and writes results, Table 4 and the figures", () => {
    const { status, stdout, stderr } = runCli(study(out));
    expect(stderr).toMatch(/2 tasks \(2 models × 1 λ × 1 seeds\), 2 workers/);
    expect(status).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.tasks).toEqual({ total: 2, resumed: 0, ran: 2, failed: 0 });
    expect(json.table.map((row: { model: string }) => row.model)).toEqual(["systolic", "flops"]);
    // one network per model: HV = (100 − top-1 %)·runtime (ms)
    for (const [i, model] of json.models.entries()) {
      expect(model.front).toHaveLength(1);
      const [{ top1Percent, runtimeMs }] = model.front;
      expect(json.table[i].runtimeMs.mean).toBe(runtimeMs);
      expect(model.hypervolume).toBeCloseTo((100 - top1Percent) * runtimeMs, 9);
      expect(model.boundedHypervolume).toBeGreaterThan(model.hypervolume);
    }
    // only U-Boost (systolic) searches with the smoke preset's β = 1; flops with β = 0
    expect(json.table.map((row: { beta: number }) => row.beta)).toEqual([1, 0]);
    const rows = csvRows(out);
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatch(/^systolic,0\.5,0,1,ok,[\d.]+,[\d.]+,/);
    expect(rows[2]).toMatch(/^flops,0\.5,0,0,ok,/);
    // --json names its units as the files do: results.csv's testTop1Percent, utilizationPercent
    for (const [i, row] of json.table.entries()) {
      const cells = rows[i + 1].split(",");
      expect(row.top1Percent.mean).toBe(Number(cells[5]));
      expect(row.utilizationPercent.mean).toBe(Number(cells[7]));
    }
    expect(readFileSync(join(out, "table4.md"), "utf8")).toContain("| systolic | 0.5 | 1 | 1 |");
    for (const figure of ["pareto.svg", "channels.svg", "cell-systolic.svg", "cell-flops.svg"]) {
      expect(readFileSync(join(out, figure), "utf8")).toMatch(/^<svg/);
    }
    expect(readFileSync(join(out, "cell-flops.dot"), "utf8")).toMatch(/^digraph "flops cell/);
    expect(existsSync(join(out, "tasks", "systolic-l0.5-s0", "final.json"))).toBe(true);
  });

  it("a task run again, alone on one worker, gives the same bytes (seconds aside)", () => {
    const again = join(dir, "again");
    const { status, stderr } = runCli(study(again, "systolic", "0", undefined, "1"));
    expect(status, stderr).toBe(0);
    const task = join("tasks", "systolic-l0.5-s0");
    for (const file of ["arch.json", "metrics.jsonl", "final.json", "final/model/weights.bin"]) {
      const bytes = (root: string) => readFileSync(join(root, task, file));
      expect(bytes(again).equals(bytes(out)), file).toBe(true);
    }
    const withoutSeconds = (root: string) => {
      const [head, ...rows] = csvRows(root).map((line) => line.split(","));
      const seconds = head.indexOf("seconds");
      return rows.map((row) => row.filter((_, i) => i !== seconds).join(","));
    };
    expect(withoutSeconds(again)).toEqual(withoutSeconds(out).slice(0, 1));
  });

  it("divides the threads among fewer tasks: one task on 2 threads is `search --workers 2`'s run", () => {
    const split = join(dir, "split");
    const { status, stderr } = runCli(study(split, "systolic", "0", undefined, "2"));
    expect(status, stderr).toBe(0);
    expect(stderr).toMatch(/1 tasks \(1 models × 1 λ × 1 seeds\), 2 workers \(2 a task\)/);
    const direct = join(dir, "direct");
    const search = runCli([
      ...["search", "--data", "data/cifar10-mini", "--preset", "smoke", "--lambda", "0.5"],
      ...["--hw-model", "systolic", "--seed", "0", "--workers", "2", "--out", direct, "--json"],
    ]);
    expect(search.status, search.stderr).toBe(0);
    const task = join(split, "tasks", "systolic-l0.5-s0");
    for (const file of ["arch.json", "metrics.jsonl", "final.json", "final/model/weights.bin"]) {
      expect(readFileSync(join(task, file)).equals(readFileSync(join(direct, file))), file).toBe(
        true,
      );
    }
    // a resumed study keeps its threads per task; another count would end elsewhere
    const other = runCli([
      ...study(split, "systolic", "0", undefined, "2"),
      "--resume",
      "--task-workers",
      "1",
    ]);
    expect(other.status).toBe(2);
    expect(other.stderr.trim()).toMatch(
      /^uboost: --resume: .*split ran each task on 2 threads \(now 1\); pass --task-workers 2$/,
    );
    const kept = runCli([...study(split, "systolic", "0", undefined, "1"), "--resume"]);
    expect(kept.status, kept.stderr).toBe(0);
  });

  it("takes an ImageNet-style PNG folder as --data, and every task finishes", async () => {
    const images = await pngFolderFromCifar(join(dir, "png"), { train: 12, val: 4 });
    const out = join(dir, "png-study");
    const { status, stdout, stderr } = runCli(
      study(out, "systolic,flops", "0", undefined, undefined, images),
    );
    expect(stderr).toMatch(/2 tasks \(2 models × 1 λ × 1 seeds\)/);
    expect(status).toBe(0);
    expect(JSON.parse(stdout).tasks).toEqual({ total: 2, resumed: 0, ran: 2, failed: 0 });
    expect(csvRows(out).slice(1)).toEqual([
      expect.stringMatching(/^systolic,0\.5,0,1,ok,/),
      expect.stringMatching(/^flops,0\.5,0,0,ok,/),
    ]);
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

  it("--summarize recomputes the tables and hypervolumes from results.csv alone", () => {
    const ran = JSON.parse(runCli([...study(out), "--resume"]).stdout);
    const file = join(out, "results.csv");
    const { status, stdout } = runCli(["pareto", "--summarize", file, "--json"]);
    expect(status).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.file).toBe(file);
    expect(summary.models).toEqual(ran.models);
    expect(summary.table).toEqual(ran.table);
    const text = runCli(["pareto", "--summarize", file]);
    expect(text.stdout).toMatch(/hypervolume \(pp·ms\)/);
    expect(text.stdout).toContain(ran.models[0].hypervolume.toPrecision(4));
  });

  it("--measure-batch re-measures the finished networks at another batch", () => {
    const at64 = JSON.parse(runCli([...study(out), "--resume"]).stdout);
    const at8 = JSON.parse(runCli([...study(out), "--resume", "--measure-batch", "8"]).stdout);
    expect(at8.tasks.ran).toBe(0);
    for (const [i, row] of at8.table.entries()) {
      expect(row.runtimeMs.mean).toBeLessThan(at64.table[i].runtimeMs.mean);
      expect(row.top1Percent).toEqual(at64.table[i].top1Percent);
    }
  });

  it("--measure csim re-measures the finished networks as the authors' simulator times them", () => {
    const bySim = JSON.parse(runCli([...study(out), "--resume"]).stdout);
    const byCsim = JSON.parse(runCli([...study(out), "--resume", "--measure", "csim"]).stdout);
    expect(byCsim.tasks.ran).toBe(0);
    for (const [i, row] of byCsim.table.entries()) {
      expect(row.runtimeMs.mean).not.toBe(bySim.table[i].runtimeMs.mean);
      expect(row.top1Percent).toEqual(bySim.table[i].top1Percent);
    }
  });

  it("--resume with other search settings or another β rule is refused", () => {
    for (const flag of [["--beta", "3"], ["--beta-all"]]) {
      const { status, stderr } = runCli([...study(out), "--resume", ...flag]);
      expect(status).toBe(2);
      expect(stderr).toMatch(/--resume: .* was run with other data, preset, β or search flags/);
    }
  });

  it("retries a task whose worker crashed once (the smoke preset's λ when none is given)", () => {
    const crashed = join(dir, "crash-once");
    const counter = join(dir, "crash-once.count");
    const { status, stdout } = withCrashHook(
      `systolic-l1-s0:1:${counter}`,
      study(crashed, "systolic,flops", "0", []),
    );
    expect(status).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.tasks).toEqual({ total: 2, resumed: 0, ran: 2, failed: 0 });
    expect(json.table.map((row: { lambda: number }) => row.lambda)).toEqual([1, 1]);
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
    expect(rows[1]).toMatch(/^systolic,0\.5,0,1,ok,/);
    expect(rows[2]).toMatch(/^flops,0\.5,0,0,failed,,.*\S$/);
    expect(readFileSync(join(crashed, "cell-systolic.svg"), "utf8")).toMatch(/^<svg/);

    // --resume retries it (the hook is spent) and completes the study
    const resumed = JSON.parse(runCli([...study(crashed), "--resume"]).stdout);
    expect(resumed.tasks).toEqual({ total: 2, resumed: 1, ran: 1, failed: 0 });
  });

  const bad: [string[], RegExp][] = [
    [
      ["--hw-models", "systolic,tpu"],
      /--hw-models: unknown value "tpu" \(known: systolic, pipelined, csim, flops, roofline, blackbox, blackbox-secant\)/,
    ],
    [["--hw-models", "systolic,"], /--hw-models: empty item in "systolic,"/],
    [["--lambdas", "0.5,-1"], /--lambdas: must be a number >= 0 \(got "-1"\)/],
    [["--lambdas", "fast"], /--lambdas: must be a number >= 0 \(got "fast"\)/],
    [["--seeds", ""], /--seeds: give at least one seed/],
    [["--seeds", ","], /--seeds: empty item in ","/],
    [["--seeds", "1.5"], /--seeds: must be an integer >= 0 \(got "1.5"\)/],
    [["--hw-models", ""], /--hw-models: give at least one cost model/],
    [
      ["--backend", "gpu"],
      /--backend: unknown value "gpu" \(known: tensorflow, onnxruntime, wasm, cpu\)/,
    ],
    [["--channels", "8:16"], /--channels: expected MIN:MAX:STEP/],
    [["--out", "x", "--out", "y"], /--out: given more than once/],
    [["--hw-models", "blackbox"], /--hw-models blackbox needs --table FILE/],
    [["--workers", "0"], /--workers: must be a positive integer/],
    [
      ["--preset", "huge"],
      /--preset: unknown value "huge" \(known: paper, demo, smoke, imagenet100\)/,
    ],
    [["--data", join(dir, "nowhere")], /nowhere: no such folder/],
    [["--measure-batch", "0"], /--measure-batch: must be a positive integer/],
    [["--data", "test"], /test: no data_batch_\*\.bin files/],
    [["--data", emptyClassFolder()], /cat: no PNG or JPEG images for class "cat"/],
    [["--measure", "scalesim"], /--measure: unknown value "scalesim" \(known: sim, csim\)/],
    [
      ["--queue", "localhost:6379"],
      /--queue: localhost:6379 is not a redis:\/\/ or rediss:\/\/ URL/,
    ],
    [["--queue", "redis://h:1", "--workers", "2"], /--workers: not used with --queue/],
    [
      ["--queue", "redis://h:1", "--data-root", "test"],
      /--data: data\/cifar10-mini is not inside --data-root test \(jobs name the data relative to it\)/,
    ],
    // nothing listens on port 1: refused before anything is written, the password masked
    [
      ["--queue", "redis://:hunter22@127.0.0.1:1"],
      /^uboost: --queue: cannot use redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0 \([^)]*\)\n$/,
    ],
  ];
  const badSummaries: [string, RegExp][] = [
    [join(dir, "missing.csv"), /missing\.csv: cannot read \(no such file\)/],
    [join(dir, "bad.csv"), /bad\.csv row 1, field testTop1: must be a fraction in \[0, 1\]/],
  ];
  writeFileSync(
    join(dir, "bad.csv"),
    "model,lambda,seed,status,testTop1,runtimeUs,utilization\nflops,1,0,ok,87,10,0.1\n",
  );
  it("without --out (and no --summarize): one line on stderr, exit 2", () => {
    const { status, stderr } = runCli(["pareto", "--data", "data/cifar10-mini"]);
    expect(stderr).toMatch(/^uboost: --out: needed to run a study \(or give --summarize FILE\)\n$/);
    expect(status).toBe(2);
  });

  for (const [file, message] of badSummaries) {
    it(`--summarize ${file.replace(dir, "…")}: one line on stderr, exit 2`, () => {
      const { status, stdout, stderr } = runCli(["pareto", "--summarize", file]);
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(status).toBe(2);
      expect(stdout).toBe("");
    });
  }

  for (const [args, message] of bad) {
    it(`rejects ${args.join(" ")} with one line on stderr, exit 2`, () => {
      const lambdas = args.includes("--lambdas") ? [] : ["--lambdas", "0.5"];
      const data = args.includes("--data") ? [] : ["--data", "data/cifar10-mini"];
      const base = ["pareto", ...data, ...lambdas];
      const { status, stdout, stderr } = runCli([...base, "--out", join(dir, "bad"), ...args]);
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(status).toBe(2);
      expect(stdout).toBe("");
      expect(existsSync(join(dir, "bad"))).toBe(false);
    });
  }
});
