/**
 * How well each cost model predicts measured cycles, layer by layer: per layer type and output
 * size, the median ratio predicted / measured, the median and 90th percentile of the relative
 * error |predicted − measured| / measured, and Spearman's rank correlation (SRCC) of the two.
 * docs/fidelity.md is this report on the authors' simulator (`uboost bench fidelity`).
 */
import type { ModelContext } from "../hw/costModel.js";
import { costModelByName } from "../hw/models/index.js";
import { defaultSimConfig, type SimConfig } from "../hw/simulator/config.js";
import type { PredictionPoint } from "../plot/fidelityPlot.js";
import { spearman } from "../proxy/srcc.js";
import { quantile } from "../stats/quantile.js";
import type { MeasuredLayer } from "./measurements.js";

/**
 * The authors' accelerator as our models read it: 128×128 PEs at 1 GHz, 5 MiB SRAM banks,
 * 80 GB/s (csim reads that as 2^30-byte GB; the other models as 10^9), batch 1 in the layers.
 */
export const csimAccelerator: SimConfig = { ...defaultSimConfig, sramBytes: 5 * 2 ** 20 };

/** Every model that needs no table, in the order docs/fidelity.md lists them. */
export const fidelityModels = [
  "systolic",
  "smooth",
  "pipelined",
  "pipelined-smooth",
  "sim",
  "flops",
  "roofline",
  "csim",
  "csim-smooth",
];

export interface FidelityRow {
  model: string;
  /** layer type (conv, dwconv, …) or "all" */
  type: string;
  /** output size h (square outputs) or "all" */
  size: number | "all";
  layers: number;
  medianRatio: number;
  medianError: number;
  p90Error: number;
  /** NaN where every measurement in the bin is equal (nothing to rank) */
  srcc: number;
}

export type FidelityPoint = PredictionPoint;

export interface FidelityReport {
  rows: FidelityRow[];
  points: FidelityPoint[];
}

interface Pair {
  layer: MeasuredLayer["layer"];
  measured: number;
  predicted: number;
}

function rowOf(model: string, type: string, size: number | "all", pairs: Pair[]): FidelityRow {
  const errors = pairs.map((p) => Math.abs(p.predicted - p.measured) / p.measured);
  return {
    model,
    type,
    size,
    layers: pairs.length,
    medianRatio: quantile(
      pairs.map((p) => p.predicted / p.measured),
      0.5,
    ),
    medianError: quantile(errors, 0.5),
    p90Error: quantile(errors, 0.9),
    srcc: spearman(
      pairs.map((p) => p.predicted),
      pairs.map((p) => p.measured),
    ),
  };
}

/** Every model on every measured layer, binned by type, then by output size within a type. */
export function fidelityReport(
  measured: readonly MeasuredLayer[],
  models: readonly string[],
  hardware: SimConfig,
  context: ModelContext,
): FidelityReport {
  const layers = measured.map((m) => m.layer);
  const types = [...new Set(layers.map((layer) => layer.type))];
  const rows: FidelityRow[] = [];
  const points: FidelityPoint[] = [];
  for (const model of models) {
    const estimates = costModelByName(model).estimate(layers, hardware, context);
    const pairs = measured.map((m, i) => ({
      layer: m.layer,
      measured: m.cycles,
      predicted: estimates[i].cycles,
    }));
    for (const type of types) {
      const ofType = pairs.filter((p) => p.layer.type === type);
      const sizes = [...new Set(ofType.map((p) => p.layer.h))].sort((a, b) => a - b);
      for (const size of sizes) {
        rows.push(
          rowOf(
            model,
            type,
            size,
            ofType.filter((p) => p.layer.h === size),
          ),
        );
      }
      rows.push(rowOf(model, type, "all", ofType));
    }
    rows.push(rowOf(model, "all", "all", pairs));
    for (const p of pairs) {
      const group = `${p.layer.type} ${p.layer.k1}×${p.layer.k2}`;
      points.push({ model, group, measured: p.measured, predicted: p.predicted });
    }
  }
  return { rows, points };
}
