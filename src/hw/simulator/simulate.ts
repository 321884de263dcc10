/**
 * Cycle-level weight-stationary simulation of layers and networks: compute.ts counts each fold,
 * memory.ts adds the stalls the DRAM port causes, and the PE-cycle breakdown accounts for every
 * PE in every cycle (docs/simulator.md).
 */

import { type NetworkTotal, networkTotal } from "../../engine/network.js";
import type { Layer } from "../../layers/layer.js";
import { macsOf } from "../../layers/macs.js";
import { emptyBreakdown, type PeBreakdown } from "./compute.js";
import { type SimConfig, validateSimConfig } from "./config.js";
import { gemmsOf } from "./gemm.js";
import { finishLayer, newPortState } from "./memory.js";
import { runGemm, type Tally } from "./schedule.js";

export type { PeBreakdown } from "./compute.js";

export interface SimLayerResult {
  macs: number;
  /** compute cycles plus memory stalls */
  cycles: number;
  /** cycles with unlimited SRAM and bandwidth */
  computeCycles: number;
  /** macs / (cycles · arrayRows · arrayCols); 1 for a layer that costs nothing */
  util: number;
  breakdown: PeBreakdown;
}

export interface SimNetworkResult {
  layers: SimLayerResult[];
  total: NetworkTotal;
}

export function simulateLayer(layer: Layer, config: SimConfig): SimLayerResult {
  validateSimConfig(config);
  const tally: Tally = { port: newPortState(), breakdown: emptyBreakdown(), computeCycles: 0 };
  for (const gemm of gemmsOf(layer)) runGemm(tally, gemm, config);
  const { port, breakdown, computeCycles } = tally;
  const stallCycles = finishLayer(port, config);
  const pes = config.arrayRows * config.arrayCols;
  breakdown.memoryStall = stallCycles * pes;
  const cycles = computeCycles + stallCycles;
  const macs = macsOf(layer);
  return { macs, cycles, computeCycles, util: cycles > 0 ? macs / (cycles * pes) : 1, breakdown };
}

/** Layers run one after another; totals as in the analytical model (networkTotal). */
export function simulateNetwork(layers: readonly Layer[], config: SimConfig): SimNetworkResult {
  const results = layers.map((layer) => simulateLayer(layer, config));
  const array = { rows: config.arrayRows, cols: config.arrayCols };
  return { layers: results, total: networkTotal(results, array, config.clockHz) };
}
