import { describe, expect, it } from "vitest";
import { benchFormats, benchSweep, benchSweepSpec, systolicFamilySpec } from "../../bench/sweep.js";
import { gridSize } from "../../src/sweep/grid.js";

describe("benchSweep", () => {
  it("sizes the grid to at least the rows asked for: zoo networks × 81 array shapes × batches", () => {
    const spec = benchSweepSpec(1000, "sim");
    expect(spec.arrays).toHaveLength(81);
    expect(gridSize(spec)).toBe(4 * 81 * 4);
    expect(spec.batches).toEqual([1, 2, 3, 4]);
  });

  it("times the same sweep with 1 and 2 workers and reports rows/s and their ratio", async () => {
    const result = await benchSweep({ rows: 300, model: "systolic", repeats: 1 });
    expect(result.rows).toBe(324);
    expect(result.runs.map((run) => run.workers)).toEqual([1, 2]);
    for (const run of result.runs) {
      expect(run.rowsPerSec).toBeCloseTo(324 / run.seconds, 6);
      expect(run.coresBusy).toBeGreaterThan(0);
    }
    expect(result.speedup).toBeCloseTo(result.runs[1].rowsPerSec / result.runs[0].rowsPerSec, 12);
  });

  it("times systolic and sim sweeps to Parquet and CSV beside the engine's configs/s", async () => {
    expect(gridSize(systolicFamilySpec(1000))).toBe(32 * 32);
    const result = await benchFormats({
      systolicRows: 400,
      simRows: 100,
      workers: 2,
      engineConfigs: 50_000,
    });
    expect(result.runs.map((run) => `${run.sweep} ${run.format}`)).toEqual([
      "systolic parquet",
      "systolic csv",
      "sim parquet",
      "sim csv",
    ]);
    expect(result.engineConfigsPerSec).toBe(result.runs[0].engineConfigsPerSec);
    expect(result.loadAverage).toHaveLength(2);
    for (const run of result.runs) {
      expect(run.rows).toBe(run.sweep === "systolic" ? 400 : gridSize(benchSweepSpec(100, "sim")));
      expect(run.rowsPerSec).toBeCloseTo(run.rows / run.seconds, 6);
      // each run over the engine measured right before it
      expect(run.engineConfigsPerSec).toBeGreaterThan(0);
      expect(run.engineRatio).toBeCloseTo(run.rowsPerSec / run.engineConfigsPerSec, 12);
      expect(run.coresBusy).toBeGreaterThan(0);
      expect(run.cpuRatio).toBeGreaterThan(0);
      expect(run.cpuRatio).toBeGreaterThan(0);
      expect(run.fileBytes).toBeGreaterThan(run.rows * 8);
    }
  });
});
