import { createCostEngine, type FoldTiming } from "../../src/engine/engine.js";
import type { LayerCostResult, ReferenceRow } from "../../src/engine/reference.js";
import type { SmoothCeilParams } from "../../src/engine/smoothCeilParams.js";
import { EngineKind } from "../../src/layers/layer.js";

const engine = createCostEngine();

export function engineSmoothCeil(x: number, params?: SmoothCeilParams) {
  return engine.smoothCeil(x, params);
}

/** Runs rows through the WASM engine in one batch and reads every output back. */
export function engineCost(
  rows: ReferenceRow[],
  timing: FoldTiming = "uboost",
  smooth?: SmoothCeilParams,
): LayerCostResult[] {
  const batch = engine.reserve(rows.length);
  rows.forEach((row, i) => {
    batch.kind[i] = row.kind;
    batch.k1[i] = row.k1;
    batch.k2[i] = row.k2;
    batch.c[i] = row.c;
    batch.f[i] = row.f;
    batch.h[i] = row.h;
    batch.w[i] = row.w;
    batch.batch[i] = row.batch;
    batch.arrayRows[i] = row.arrayRows;
    batch.arrayCols[i] = row.arrayCols;
  });
  engine.evaluate(rows.length, { timing, smooth });
  return rows.map((_, i) => ({
    macs: batch.macs[i],
    cycles: batch.cycles[i],
    util: batch.util[i],
    smoothCycles: batch.smoothCycles[i],
    smoothUtil: batch.smoothUtil[i],
    dCyclesDc: batch.dCyclesDc[i],
    dCyclesDf: batch.dCyclesDf[i],
    dUtilDc: batch.dUtilDc[i],
    dUtilDf: batch.dUtilDf[i],
  }));
}

export function convRow(k: number, c: number, f: number, rows = 128, cols = 128): ReferenceRow {
  const shape = { h: 1, w: 1, batch: 1, arrayRows: rows, arrayCols: cols };
  return { kind: EngineKind.conv, k1: k, k2: k, c, f, ...shape };
}
