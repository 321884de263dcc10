import { describe, expect, it } from "vitest";
import type { ArchFile } from "../../src/model/archFile.js";
import type { FinishedTask } from "../../src/pareto/measure.js";
import { resultsCsv, type TaskRecord } from "../../src/pareto/results.js";
import { spread, summarizeStudy } from "../../src/pareto/summary.js";
import { accuracyRuntimeTable, formatSpread, table4Csv } from "../../src/pareto/table4.js";
import { taskKey } from "../../src/pareto/tasks.js";

/** Only what the tables read; the arch is not looked at here. */
function record(model: string, lambda: number, seed: number, top1?: number, runtimeUs = 0) {
  const beta = model === "systolic" ? 2 : 0;
  const task = { key: taskKey(model, lambda, seed), model, lambda, seed, beta };
  if (top1 === undefined) {
    return { task, status: "failed", error: "worker exited", seconds: null } as TaskRecord;
  }
  const finished = {
    testTop1: top1,
    runtimeUs,
    utilization: 0.5,
    macs: 1,
    params: 1,
    searchArray: { rows: 16, cols: 16, runtimeUs: 1, utilization: 1 },
    arch: { channels: [], edges: [] } as unknown as ArchFile,
  } satisfies FinishedTask;
  return { task, status: "ok", finished, seconds: 1 } as TaskRecord;
}

describe("spread over seeds", () => {
  it("mean and sample standard deviation (n − 1), by hand", () => {
    // mean 2.5; Σ(x − mean)² = 2.25 + 0.25 + 0.25 + 2.25 = 5; std = √(5/3)
    const { mean, std, n } = spread([1, 2, 3, 4]);
    expect(mean).toBe(2.5);
    // to 12 significant digits, as every figure of the tables (src/significant.ts)
    expect(std).toBe(Number(Math.sqrt(5 / 3).toPrecision(12)));
    expect(n).toBe(4);
  });

  it("one value has no spread, none has no mean", () => {
    expect(spread([7])).toEqual({ mean: 7, std: null, n: 1 });
    expect(spread([]).n).toBe(0);
    expect(formatSpread(spread([7]), 1)).toBe("7.0 ± –");
    expect(formatSpread(spread([]), 1)).toBe("–");
    expect(formatSpread(spread([1, 3]), 2)).toBe("2.00 ± 1.41");
  });
});

describe("summarizeStudy", () => {
  const records = [
    record("systolic", 0.1, 0, 0.9, 1000),
    record("systolic", 0.1, 1, 0.8, 3000),
    record("systolic", 1, 0, 0.7, 500),
    record("systolic", 1, 1),
    record("flops", 0.1, 0, 0.85, 4000),
    record("flops", 0.1, 1, 0.95, 2000),
    record("flops", 1, 0),
    record("flops", 1, 1),
  ];
  const summary = summarizeStudy(records, ["systolic", "flops"], [0.1, 1]);

  it("averages accuracy (percent) and runtime (ms) over the seeds that finished", () => {
    const [systolicLow, systolicHigh, flopsLow, flopsHigh] = summary.table;
    expect(systolicLow).toMatchObject({ model: "systolic", lambda: 0.1, seeds: 2, failed: 0 });
    expect(systolicLow.beta).toBe(2);
    expect(flopsLow.beta).toBe(0);
    expect(systolicLow.top1Percent.mean).toBe(85);
    expect(systolicLow.top1Percent.std).toBe(Number((Math.SQRT2 * 5).toPrecision(12)));
    expect(systolicLow.runtimeMs).toMatchObject({ mean: 2, n: 2 });
    expect(systolicHigh).toMatchObject({ seeds: 1, failed: 1 });
    expect(flopsHigh).toMatchObject({ seeds: 0, failed: 2 });
    expect(accuracyRuntimeTable(summary).rows[1]).toEqual([
      "systolic",
      "1",
      "2",
      "1 (1 failed)",
      "70.00 ± –",
      "0.5000 ± –",
      "50.0 ± –",
    ]);
  });

  it("gives each model its front over all λ and seeds, the paper's hypervolume and the bounded one", () => {
    const [systolic, flops] = summary.models;
    expect(systolic.front.map((point) => point.key)).toEqual([
      "systolic-l1-s0",
      "systolic-l0.1-s0",
    ]);
    // (100 − 70)·0.5 + (100 − 90)·(1 − 0.5)
    // figures exact to the decimal: no float noise in the tables or files
    expect(systolic.hypervolume).toBe(20);
    // the 4 ms network is dominated by the 2 ms one: (100 − 95)·2
    expect(flops.front.map((point) => point.key)).toEqual(["flops-l0.1-s1"]);
    expect(flops.hypervolume).toBe(10);
    // bounded at 1.1 × the slowest network (4 ms): 100·0.5 + 30·0.5 + 10·(4.4 − 1); 100·2 + 5·2.4
    expect(summary.boundMs).toBe(4.4);
    expect(systolic.boundedHypervolume).toBe(99);
    expect(flops.boundedHypervolume).toBe(212);
    // one convention, named in the header: accuracy and utilization in percent, runtime in ms
    const [head, first] = table4Csv(summary).split("\n");
    expect(head).toBe(
      "model,lambda,beta,seeds,failed,top1PercentMean,top1PercentStd,runtimeMsMean,runtimeMsStd,utilizationPercentMean,utilizationPercentStd,hypervolume,boundedHypervolume,boundMs",
    );
    expect(first).toMatch(/^systolic,0\.1,2,2,0,85,[\d.]+,2,[\d.]+,50,0,20,99,4\.4$/);
  });

  it("a (model, λ) whose tasks searched with different β shows none", () => {
    const mixed = [record("flops", 0.1, 0, 0.9, 1000), record("systolic", 0.1, 1, 0.8, 3000)];
    mixed[1].task = { ...mixed[1].task, model: "flops" };
    expect(summarizeStudy(mixed, ["flops"], [0.1]).table[0].beta).toBeNull();
  });
});

describe("results.csv", () => {
  it("one row per task; failed tasks keep their error, quoted when it holds a comma", () => {
    const failed = { ...record("flops", 1, 0), error: 'exit 1, "crash"' } as TaskRecord;
    const lines = resultsCsv([record("systolic", 0.1, 0, 0.9, 10), failed])
      .trimEnd()
      .split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^model,lambda,seed,beta,status,testTop1Percent,runtimeUs,utilizationPercent,params,macs,searchArray,searchRuntimeUs,searchUtilizationPercent,/,
    );
    expect(lines[1]).toMatch(/^systolic,0\.1,0,2,ok,90,10,50,1,1,16x16,1,100,/);
    expect(lines[2]).toMatch(/^flops,1,0,0,failed,,,,,,,,,,,,"exit 1, ""crash"""$/);
  });
});
