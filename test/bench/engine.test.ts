import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { describe, expect, it } from "vitest";
import { benchEngine } from "../../bench/engine.js";
import { type CostColumns, tfjsLayerCosts } from "../../bench/tfjsCost.js";
import {
  type LayerCostResult,
  type ReferenceRow,
  referenceLayerCost,
} from "../../src/engine/reference.js";
import { authorsSmoothCeil } from "../../src/engine/smoothCeilParams.js";
import { EngineKind } from "../../src/layers/layer.js";

describe("benchEngine", () => {
  it("times all three paths on the same configs and finds them in agreement", async () => {
    const stages = new Set<string>();
    const result = await benchEngine({
      configs: 3000,
      seed: 1,
      onProgress: (stage) => stages.add(stage),
    });
    expect(result.configs).toBe(3000);
    for (const path of [result.wasm, result.reference, result.tfjs]) {
      expect(Number.isFinite(path.configsPerSec)).toBe(true);
      expect(path.configsPerSec).toBeGreaterThan(0);
      expect(path.seconds).toBeGreaterThan(0);
    }
    expect(result.reference.timedConfigs).toBe(3000);
    expect(result.tfjs.timedConfigs).toBe(3000);
    expect(["wasm", "cpu"]).toContain(result.tfjs.backend);
    expect(result.agreement.referenceMaxRelError).toBeLessThanOrEqual(1e-9);
    expect(result.agreement.tfjsMaxRelError).toBeLessThanOrEqual(1e-3);
    expect([...stages]).toEqual(expect.arrayContaining(["wasm", "reference", "tfjs"]));
    // the CLI prints it with --json
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});

function row(kind: EngineKind, k: number, c: number, f: number, rows = 128, cols = 128) {
  return { kind, k1: k, k2: k, c, f, h: 7, w: 5, batch: 2, arrayRows: rows, arrayCols: cols };
}

function columnsOf(rows: ReferenceRow[]): CostColumns {
  const column = (key: Exclude<keyof ReferenceRow, "kind">) =>
    Float64Array.from(rows, (r) => r[key]);
  return {
    kind: Int32Array.from(rows, (r) => r.kind),
    k1: column("k1"),
    k2: column("k2"),
    c: column("c"),
    f: column("f"),
    h: column("h"),
    w: column("w"),
    batch: column("batch"),
    arrayRows: column("arrayRows"),
    arrayCols: column("arrayCols"),
  };
}

// dwconv util does not depend on c or f: autodiff leaves round-off of the scale of its terms.
function gradientScale(key: keyof LayerCostResult, want: LayerCostResult, r: ReferenceRow) {
  if (key === "dUtilDc" || key === "dUtilDf") return want.smoothUtil / Math.min(r.c, r.f);
  if (key === "dCyclesDc" || key === "dCyclesDf") return want.smoothCycles / Math.min(r.c, r.f);
  return 0;
}

describe("tfjsLayerCosts", () => {
  const rows: ReferenceRow[] = [
    row(EngineKind.conv, 1, 129, 128), // one channel past the rows: util 129/256
    row(EngineKind.conv, 3, 64, 200, 64, 32),
    row(EngineKind.dwconv, 3, 96, 96, 8, 8),
    row(EngineKind.dws, 5, 33, 70, 16, 64),
    { ...row(EngineKind.fc, 1, 1000, 10, 256, 8), h: 1, w: 1 },
    row(EngineKind.free, 3, 64, 64),
  ];

  it.each(["cpu", "wasm"])(
    "matches the reference row by row on the %s backend",
    async (backend) => {
      expect(await tf.setBackend(backend)).toBe(true);
      const got = tfjsLayerCosts(tf, columnsOf(rows), authorsSmoothCeil);
      rows.forEach((r, i) => {
        const want = referenceLayerCost(r, authorsSmoothCeil);
        for (const key of Object.keys(want) as (keyof LayerCostResult)[]) {
          const scale = Math.max(Math.abs(want[key]), gradientScale(key, want, r), 1e-30);
          expect(Math.abs(got[key][i] - want[key]) / scale, `${key} row ${i}`).toBeLessThan(1e-4);
        }
      });
      expect(got.util[0]).toBeCloseTo(129 / 256, 6);
      expect(got.cycles[0]).toBe(2 * 7 * 5 * 2);
    },
  );

  it("releases every tensor it makes", async () => {
    const before = tf.memory().numTensors;
    tfjsLayerCosts(tf, columnsOf(rows), authorsSmoothCeil);
    expect(tf.memory().numTensors).toBe(before);
  });
});
