import type { CostEngine, FoldTiming } from "../engine/engine.js";
import type { LayerCostResult } from "../engine/reference.js";
import type { SmoothCeilParams } from "../engine/smoothCeilParams.js";
import type { Layer } from "../layers/layer.js";
import type { BlackboxTable } from "./blackbox/table.js";
import type { SimConfig } from "./simulator/config.js";

/** What every cost model says of one layer. */
export interface LayerEstimate {
  macs: number;
  /** may be fractional for the smooth and flops models */
  cycles: number;
  util: number;
}

/** Shared, lazily created resources a model may need. */
export interface ModelContext {
  engine: () => CostEngine;
  /** the measurements --model blackbox looks layers up in (--table) */
  blackboxTable?: BlackboxTable;
  /** the smooth ceiling's constants (default: the authors' without a cap on N) */
  smooth?: SmoothCeilParams;
}

/**
 * One hardware cost model: layers in, per-layer cycles and utilization out. Adding a model is
 * adding one file under src/hw/models/ and one row in src/hw/models/index.ts.
 */
export interface CostModel {
  /** one line for --help and the README */
  summary: string;
  estimate(layers: readonly Layer[], hardware: SimConfig, context: ModelContext): LayerEstimate[];
  /** cycles are always whole numbers (files then store them as integers) */
  integerCycles?: boolean;
  /**
   * Set by the models the WASM engine computes, so a caller with many layers (a sweep) can fill
   * one engine batch itself and read the columns back instead of calling estimate() per network.
   */
  engine?: { timing: FoldTiming; smooth: boolean };
}

/** Engine models also expose the smooth relaxation and its channel gradients. */
export type EngineEstimate = LayerEstimate & { engine: LayerCostResult };
