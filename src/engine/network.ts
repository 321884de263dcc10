import { engineKindOf, type Layer } from "../layers/layer.js";
import type { CostEngine, EngineBatch, EngineOptions } from "./engine.js";
import type { LayerCostResult } from "./reference.js";

export interface ArrayShape {
  rows: number;
  cols: number;
}

export interface NetworkTotal {
  macs: number;
  cycles: number;
  runtimeMs: number;
  util: number;
}

export interface NetworkCost {
  layers: LayerCostResult[];
  total: NetworkTotal;
}

/** Network totals: cycles add; util = ΣMACs / (Σcycles · rows · cols); runtime = cycles / clock. */
export function networkTotal(
  layers: readonly { macs: number; cycles: number }[],
  array: ArrayShape,
  clockHz: number,
): NetworkTotal {
  let macs = 0;
  let cycles = 0;
  for (const layer of layers) {
    macs += layer.macs;
    cycles += layer.cycles;
  }
  const util = cycles > 0 ? macs / (cycles * array.rows * array.cols) : 1;
  return { macs, cycles, runtimeMs: runtimeMsOf(cycles, clockHz), util };
}

/**
 * Runtime in ms as one correctly rounded division of exact operands, so exact values print
 * exactly: 1,024 cycles at 1 GHz → 0.001024, where cycles / clock · 1e3 gives 0.0010240000000000002.
 */
export function runtimeMsOf(cycles: number, clockHz: number): number {
  return (cycles * 1e3) / clockHz;
}

/** Runtime in µs, the same way (runtimeMsOf · 1e3 would bring back the noise). */
export function runtimeUsOf(cycles: number, clockHz: number): number {
  return (cycles * 1e6) / clockHz;
}

/** Runs every layer of a network through the engine on one array shape. */
export function costNetwork(
  engine: CostEngine,
  layers: readonly Layer[],
  array: ArrayShape,
  clockHz: number,
  options: EngineOptions = {},
): NetworkCost {
  const batch = engine.reserve(layers.length);
  layers.forEach((layer, row) => {
    writeLayerRow(batch, row, layer, array.rows, array.cols);
  });
  engine.evaluate(layers.length, options);
  const results = layers.map((_, row) => ({
    macs: batch.macs[row],
    cycles: batch.cycles[row],
    util: batch.util[row],
    smoothCycles: batch.smoothCycles[row],
    smoothUtil: batch.smoothUtil[row],
    dCyclesDc: batch.dCyclesDc[row],
    dCyclesDf: batch.dCyclesDf[row],
    dUtilDc: batch.dUtilDc[row],
    dUtilDf: batch.dUtilDf[row],
  }));
  return { layers: results, total: networkTotal(results, array, clockHz) };
}

/** One layer on one array into row `row` of the engine's struct-of-arrays batch. */
export function writeLayerRow(
  batch: EngineBatch,
  row: number,
  layer: Layer,
  arrayRows: number,
  arrayCols: number,
): void {
  batch.kind[row] = engineKindOf[layer.type];
  batch.k1[row] = layer.k1;
  batch.k2[row] = layer.k2;
  batch.c[row] = layer.c;
  batch.f[row] = layer.f;
  batch.h[row] = layer.h;
  batch.w[row] = layer.w;
  batch.batch[row] = layer.batch;
  batch.arrayRows[row] = arrayRows;
  batch.arrayCols[row] = arrayCols;
}
