/**
 * csim: the U-Boost authors' cycle-accurate simulator (shipped only as a binary), in closed form.
 * Their Table 4 runtimes and their look-up-table baseline come from it; docs/fidelity.md holds
 * this model to its published measurements (exact to the cycle on all 3,424 given layers).
 *
 * A layer is one GEMM (src/hw/simulator/gemm.ts): M = h·w·b input rows, K = k1·k2·c on the array
 * rows, N = f on its columns, cut into folds of at most rows × cols weights, visited depth tile
 * by depth tile and, within one, width tile by width tile (the order csim's partition lists
 * them). A depthwise layer is c one-column GEMMs (K = k1·k2, N = 1): the authors' graph splits it
 * into c single-channel layers, which csim runs back to back like the folds of one layer. Each
 * term below is one mechanism:
 *
 *   start of fold 0   = ⌈K₀·N₀·bytes / B⌉ + K₀    its weights fetched whole, then shifted in
 *   start of fold i   = max(start of fold i−1 + step(K_i), fetched(i))
 *   step(K_i)         = max(M + ⌈M/rows⌉, K_i + 1)
 *   cycles            = start of the last fold + (⌈M/rows⌉ − 1)·(rows + 1) + 3
 *
 * - Weight prefetch: the weights of the next folds stream from DRAM while the array works, at
 *   B bytes per cycle, so a fold waits for DRAM only once the stream falls behind: fetched(i) is
 *   when the weights of folds 0..i have all arrived.
 * - Double-buffered weights: the next fold's K_i rows shift in (one row a cycle) behind the rows
 *   streaming through the current fold, and the swap takes one cycle. A fold streams its M input
 *   rows in tiles of `rows` (the partition's batch tiles), one extra cycle per tile. So the longer
 *   of the two sets the pace: M + ⌈M/rows⌉ for large outputs, K + 1 when h·w is small.
 * - Fill and drain: csim closes a layer 3 cycles after it issues the last fold's last row tile;
 *   that tile's rows and the pipeline's drain overlap what comes next. Only the last fold's
 *   earlier tiles are waited for.
 *
 * csim reads its bandwidth in GB of 2^30 bytes (the authors' 80 GB/s is 85.9 bytes per 1 GHz
 * cycle) and moves one byte per weight; the measurements fix only that ratio. No given layer
 * comes near csim's 5 MiB SRAM banks or its prefetch limit, so neither appears (--sram is unused).
 */

import type { Layer } from "../../layers/layer.js";
import { macsOf } from "../../layers/macs.js";
import type { CostModel } from "../costModel.js";
import type { SimConfig } from "../simulator/config.js";
import { type Gemm, gemmsOf } from "../simulator/gemm.js";

/** Bytes one weight takes on csim's DRAM port. */
export const csimWeightBytes = 1;
/** csim's "GB" in bytes. */
const csimGigabyte = 2 ** 30;
/** Cycles from issuing a layer's last row tile to the layer counting as done. */
export const csimCloseCycles = 3;

/** Weight bytes DRAM delivers per cycle, as csim reads the bandwidth (`--bw 80` → 85.9). */
export function csimBytesPerCycle(hardware: SimConfig): number {
  return ((hardware.bandwidthBytesPerSec / 1e9) * csimGigabyte) / hardware.clockHz;
}

/** Row tiles of the streamed input: the partition cuts M into tiles of the array's height. */
export function rowTiles(streamRows: number, hardware: SimConfig): number {
  return Math.ceil(streamRows / hardware.arrayRows);
}

/** Cycles between two folds' starts when DRAM keeps up: streaming vs the next weight load. */
export function foldStep(streamRows: number, nextDepth: number, hardware: SimConfig): number {
  return Math.max(streamRows + rowTiles(streamRows, hardware), nextDepth + 1);
}

/** What the last fold adds after its start: its row tiles but the last, and the close. */
export function lastFoldCycles(streamRows: number, hardware: SimConfig): number {
  return (rowTiles(streamRows, hardware) - 1) * (hardware.arrayRows + 1) + csimCloseCycles;
}

/** Cycles of fetching `weights` weights over csim's DRAM port. */
export function fetchCycles(weights: number, hardware: SimConfig): number {
  return (weights * csimWeightBytes) / csimBytesPerCycle(hardware);
}

/** Depth × width of every fold of one GEMM instance, in csim's order. */
function* foldShapes(gemm: Gemm, hardware: SimConfig): Generator<[depth: number, width: number]> {
  const { arrayRows: rows, arrayCols: cols } = hardware;
  for (let k = 0; k < gemm.depth; k += rows) {
    for (let n = 0; n < gemm.width; n += cols) {
      yield [Math.min(rows, gemm.depth - k), Math.min(cols, gemm.width - n)];
    }
  }
}

/** csim's cycles for one GEMM run `count` times back to back (one csim layer). */
export function csimGemmCycles(gemm: Gemm, hardware: SimConfig): number {
  const shapes = [...foldShapes(gemm, hardware)];
  if (gemm.count === 0 || shapes.length === 0) return 0;
  let fetched = 0;
  let start = Number.NaN;
  for (let instance = 0; instance < gemm.count; instance++) {
    for (const [depth, width] of shapes) {
      fetched += fetchCycles(depth * width, hardware);
      start = Number.isNaN(start)
        ? Math.ceil(fetched) + depth
        : Math.max(start + foldStep(gemm.streamRows, depth, hardware), fetched);
    }
  }
  return Math.floor(start + lastFoldCycles(gemm.streamRows, hardware));
}

/** A layer's csim cycles: each of its GEMMs is a csim layer of its own (dws: dw, then 1×1). */
export function csimLayerCycles(layer: Layer, hardware: SimConfig): number {
  return gemmsOf(layer).reduce((sum, gemm) => sum + csimGemmCycles(gemm, hardware), 0);
}

export const csimModel: CostModel = {
  summary:
    "the authors' cycle-accurate simulator (csim) in closed form: weight prefetch, double-buffered loads",
  estimate(layers, hardware) {
    const pes = hardware.arrayRows * hardware.arrayCols;
    return layers.map((layer) => {
      const macs = macsOf(layer);
      const cycles = csimLayerCycles(layer, hardware);
      return { macs, cycles, util: cycles > 0 ? macs / (cycles * pes) : 1 };
    });
  },
};
