import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import type { ArchFile } from "../../src/model/archFile.js";
import type { FinishedTask } from "../../src/pareto/measure.js";
import { readResultsFile } from "../../src/pareto/readResults.js";
import { resultsCsv, type TaskRecord } from "../../src/pareto/results.js";
import { summarizeStudy } from "../../src/pareto/summary.js";
import { taskKey } from "../../src/pareto/tasks.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-results-"));
let files = 0;
function fileWith(text: string): string {
  const path = join(dir, `results-${files++}.csv`);
  writeFileSync(path, text);
  return path;
}

function record(model: string, lambda: number, seed: number, top1?: number): TaskRecord {
  const beta = model === "systolic" ? 1 : 0;
  const task = { key: taskKey(model, lambda, seed), model, lambda, seed, beta };
  if (top1 === undefined) {
    return { task, status: "failed", error: 'worker exited, code 1\n"twice"', seconds: null };
  }
  const finished: FinishedTask = {
    testTop1: top1,
    // distinct, awkward runtimes so a lost digit would show
    runtimeUs: 1234.5678 * (seed + 1) + lambda,
    utilization: 0.123456789,
    macs: 1e6,
    params: 1e4,
    searchArray: { rows: 16, cols: 16, runtimeUs: 1, utilization: 1 },
    arch: {
      channels: [{ slot: "stem", channels: 16 }],
      edges: [{ from: "x_p", to: "t1", op: "conv3x3" }],
    } as unknown as ArchFile,
  };
  return { task, status: "ok", finished, seconds: 12.3 };
}

describe("readResultsFile", () => {
  it("reads back what resultsCsv wrote: the same tables and hypervolumes", () => {
    const records = [
      record("systolic", 0.1, 0, 0.61),
      record("systolic", 0.1, 1, 0.64),
      record("systolic", 1, 0),
      record("systolic", 1, 1, 0.58),
      record("flops", 0.1, 0, 0.6),
      record("flops", 0.1, 1, 0.62),
      record("flops", 1, 0, 0.55),
      record("flops", 1, 1, 0.57),
    ];
    const read = readResultsFile(fileWith(resultsCsv(records)));
    expect(read.models).toEqual(["systolic", "flops"]);
    expect(read.lambdas).toEqual([0.1, 1]);
    expect(read.records.map((entry) => entry.task)).toEqual(records.map((entry) => entry.task));
    expect(summarizeStudy(read.records, read.models, read.lambdas)).toEqual(
      summarizeStudy(records, ["systolic", "flops"], [0.1, 1]),
    );
  });

  it("reads a file from before units were named (fractions) as the percent file it would be now", () => {
    const records = [record("systolic", 0.1, 0, 0.61), record("flops", 1, 1, 0.57)];
    const now = resultsCsv(records);
    expect(now.split("\n")[1]).toMatch(/^systolic,0\.1,0,1,ok,61,1234\.6678,12\.3456789,/);
    const before = now
      .replace("testTop1Percent", "testTop1")
      .replace(",utilizationPercent,", ",utilization,")
      .replace(",61,", ",0.61,")
      .replace(",57,", ",0.57,")
      .replaceAll(",12.3456789,", ",0.123456789,");
    const [fromNow, fromBefore] = [now, before].map((text) => readResultsFile(fileWith(text)));
    expect(fromBefore.records).toEqual(fromNow.records);
    expect(fromNow.records[0].finished).toEqual({
      testTop1: 0.61,
      runtimeUs: 1234.6678,
      utilization: 0.123456789,
    });
  });

  it("reads a file from before the beta column with β unknown", () => {
    const text = [
      "model,lambda,seed,status,testTop1,runtimeUs,utilization",
      "systolic,0.5,0,ok,0.5,2000,0.25",
    ].join("\n");
    const [only] = readResultsFile(fileWith(text)).records;
    expect(only.task.beta).toBeUndefined();
    expect(summarizeStudy([only], ["systolic"], [0.5]).models[0].hypervolume).toBeCloseTo(100, 9);
  });

  // a file from before units were named: fractions
  const header = "model,lambda,seed,beta,status,testTop1,runtimeUs,utilization";
  const percentHeader =
    "model,lambda,seed,beta,status,testTop1Percent,runtimeUs,utilizationPercent";
  const bad: [string, string, RegExp][] = [
    ["empty file", "", /: empty file/],
    ["no rows", header, /: no task rows/],
    ["missing column", "model,lambda,seed\nx,1,0", /no "status" column/],
    ["short row", `${header}\nsystolic,1,0,1,ok`, /row 1: 5 fields, the header has 8/],
    [
      "NaN λ",
      `${header}\nsystolic,NaN,0,1,ok,0.5,10,0.5`,
      /row 1, field lambda: must be a number >= 0 \(got "NaN"\)/,
    ],
    [
      "negative β",
      `${header}\nsystolic,1,0,-1,ok,0.5,10,0.5`,
      /row 1, field beta: must be a number >= 0/,
    ],
    [
      "fractional seed",
      `${header}\nsystolic,1,0.5,1,ok,0.5,10,0.5`,
      /row 1, field seed: must be an integer >= 0/,
    ],
    [
      "top-1 in percent",
      `${header}\nsystolic,1,0,1,ok,55,10,0.5`,
      /row 1, field testTop1: must be a fraction in \[0, 1\] \(got "55"\)/,
    ],
    [
      "top-1 above 100%",
      `${percentHeader}\nsystolic,1,0,1,ok,155,10,50`,
      /row 1, field testTop1Percent: must be a percentage in \[0, 100\] \(got "155"\)/,
    ],
    [
      "no utilization column",
      "model,lambda,seed,status,testTop1Percent,runtimeUs\nx,1,0,ok,5,1",
      /no "utilizationPercent" column/,
    ],
    [
      "no runtime",
      `${header}\nsystolic,1,0,1,ok,0.5,,0.5`,
      /row 1, field runtimeUs: must be a number > 0 \(got ""\)/,
    ],
    [
      "unknown status",
      `${header}\nsystolic,1,0,1,done,0.5,10,0.5`,
      /row 1, field status: must be ok or failed/,
    ],
    ["empty model", `${header}\n,1,0,1,ok,0.5,10,0.5`, /row 1, field model: is empty/],
    [
      "a task twice",
      `${header}\nflops,1,0,0,ok,0.5,10,0.5\nflops,1,0,0,failed,,,`,
      /row 2: task flops-l1-s0 appears twice/,
    ],
    ["unclosed quote", `${header}\n"systolic,1,0,1,ok,0.5,10,0.5`, /malformed CSV/],
  ];
  for (const [what, text, message] of bad) {
    it(`refuses ${what} with a message naming the file and field`, () => {
      const path = fileWith(text);
      expect(() => readResultsFile(path)).toThrow(InputError);
      expect(() => readResultsFile(path)).toThrow(message);
    });
  }

  it("refuses a missing file", () => {
    expect(() => readResultsFile(join(dir, "nowhere.csv"))).toThrow(
      /nowhere\.csv: cannot read \(no such file\)/,
    );
  });
});
