import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readMeasuredLayers } from "../../src/fidelity/measurements.js";
import { csimAccelerator, fidelityReport } from "../../src/fidelity/report.js";
import { modelContext } from "../../src/hw/models/index.js";
import { runCli } from "../cli/runCli.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-fidelity-"));
const fixture = join(import.meta.dirname, "..", "fixtures", "csim-extract.csv");

describe("fidelity report", () => {
  it("bins by type and output size; flops on hand-computed 1×1 convs", () => {
    // 1×1 convs at 2×2: MACs 4·c·f, flops predicts MACs / 16384 cycles
    const csv = join(dir, "hand.csv");
    writeFileSync(
      csv,
      [
        "name,type,k1,k2,c,f,h,w,stride,dilation,batch,cycles",
        "a,conv,1,1,64,64,2,2,1,1,1,2", // 16384 MACs → 1 cycle: error 0.5, ratio 0.5
        "b,conv,1,1,128,128,2,2,1,1,1,8", // 65536 → 4: error 0.5
        "c,conv,1,1,128,256,2,2,1,1,1,4", // 131072 → 8: error 1, ratio 2
      ].join("\n"),
    );
    const { rows, points } = fidelityReport(
      readMeasuredLayers(csv),
      ["flops"],
      csimAccelerator,
      modelContext(),
    );
    expect(rows.map((r) => `${r.type} ${r.size}`)).toEqual(["conv 2", "conv all", "all all"]);
    expect(rows[0]).toMatchObject({ layers: 3, medianRatio: 0.5, medianError: 0.5, p90Error: 0.9 });
    // predicted 1, 4, 8 against measured 2, 8, 4: ranks 1,2,3 vs 1,3,2 → 1 − 6·2/(3·8) = 0.5
    expect(rows[0].srcc).toBeCloseTo(0.5, 12);
    expect(points.map((p) => p.predicted)).toEqual([1, 4, 8]);
    expect(points[0].group).toBe("conv 1×1");
  });
});

describe("uboost bench fidelity", () => {
  it("reports csim exact on the test extract and draws the plot", () => {
    const plot = join(dir, "fidelity.svg");
    const { status, stdout } = runCli([
      "bench",
      "fidelity",
      "--csv",
      fixture,
      "--models",
      "csim,systolic",
      "--plot",
      plot,
      "--json",
    ]);
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.layers).toBe(72);
    const csimAll = report.rows.find(
      (r: { model: string; type: string }) => r.model === "csim" && r.type === "all",
    );
    expect(csimAll).toMatchObject({ medianError: 0, p90Error: 0, srcc: 1 });
    expect(existsSync(plot)).toBe(true);
    expect(readFileSync(plot, "utf8")).toContain("measured cycles");
  });

  for (const [args, message] of [
    [["--csv", join(dir, "none.csv")], /none\.csv: cannot read/],
    [["--csv", fixture, "--models", "csim,nosuch"], /--models: unknown cost model "nosuch"/],
  ] as [string[], RegExp][]) {
    it(`rejects ${args.join(" ")} with one line, exit 2`, () => {
      const { status, stderr } = runCli(["bench", "fidelity", ...args]);
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(status).toBe(2);
    });
  }

  it("rejects a row without a measurement, naming file, row and field", () => {
    const csv = join(dir, "nocycles.csv");
    writeFileSync(
      csv,
      "name,type,k1,k2,c,f,h,w,stride,dilation,batch,cycles\na,conv,1,1,16,16,2,2,1,1,1,\n",
    );
    const { status, stderr } = runCli(["bench", "fidelity", "--csv", csv]);
    expect(stderr).toMatch(/nocycles\.csv row 1, field cycles: must be a positive number/);
    expect(status).toBe(2);
  });
});
