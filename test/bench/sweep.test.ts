import { describe, expect, it } from "vitest";
import { benchSweep, benchSweepSpec } from "../../bench/sweep.js";
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
});
