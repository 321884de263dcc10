/**
 * DRAM traffic and stalls under double buffering, at fold granularity. While fold j computes,
 * the one DRAM port prefetches fold j+1's operands and writes back fold j-1's finished outputs;
 * if that takes longer than fold j's compute, the array stalls for the difference. Fold 0's
 * loads and the last fold's write-back have nothing to hide behind, so they are exposed. Each
 * layer starts and ends with an empty pipeline (its input comes from DRAM, its output goes back).
 */

import type { Fold } from "./compute.js";
import type { SimConfig } from "./config.js";
import type { Gemm } from "./gemm.js";

/** Bytes one fold moves over the DRAM port. */
export interface FoldTraffic {
  /** needed before the fold starts: its weight tile and, unless resident, its input slice */
  loadBytes: number;
  /** finished outputs, written back after the fold */
  storeBytes: number;
}

/** Running state of the double-buffered port across a layer's folds. */
export interface PrefetchState {
  folds: number;
  /** compute cycles of the fold now running */
  runningCompute: number;
  /** outputs of the fold now running, written back during the next one */
  runningStore: number;
  /** outputs of the fold before, written back while the running fold computes */
  previousStore: number;
  stallCycles: number;
}

export function newPrefetchState(): PrefetchState {
  return { folds: 0, runningCompute: 0, runningStore: 0, previousStore: 0, stallCycles: 0 };
}

/** Whole cycles the port needs for `bytes`; 0 with unlimited bandwidth. */
export function transferCycles(bytes: number, config: SimConfig): number {
  if (bytes === 0) return 0;
  return Math.ceil((bytes * config.clockHz) / config.bandwidthBytesPerSec);
}

/**
 * The input stays in SRAM across column folds when it fits beside one column fold of partial
 * sums (streamRows × arrayCols) and two weight tiles (double buffer); otherwise every column
 * fold streams it from DRAM again. Partial sums never spill: they are written once, when final.
 */
export function inputResident(gemm: Gemm, config: SimConfig): boolean {
  const { arrayRows, arrayCols, bytesPerOperand, sramBytes } = config;
  const elems = gemm.inputElems + gemm.streamRows * arrayCols + 2 * arrayRows * arrayCols;
  return elems * bytesPerOperand <= sramBytes;
}

// A row fold reads the share of the input that its K slice covers; the floors telescope, so the
// slices of one column fold add up to exactly inputElems.
function inputSliceElems(gemm: Gemm, fold: Fold): number {
  const end = fold.rowStart + fold.rowsUsed;
  const share = (k: number) => Math.floor((gemm.inputElems * k) / gemm.depth);
  return share(end) - share(fold.rowStart);
}

export function foldTraffic(
  gemm: Gemm,
  fold: Fold,
  resident: boolean,
  config: SimConfig,
): FoldTraffic {
  const weights = fold.rowsUsed * fold.colsUsed;
  const inputs = fold.firstColFold || !resident ? inputSliceElems(gemm, fold) : 0;
  const outputs = fold.lastRowFold ? gemm.streamRows * fold.colsUsed : 0;
  const bytes = config.bytesPerOperand;
  return { loadBytes: (weights + inputs) * bytes, storeBytes: outputs * bytes };
}

/** Starts the next fold: its loads share the port with the write-back of the fold two back. */
export function stepFold(
  state: PrefetchState,
  traffic: FoldTraffic,
  computeCycles: number,
  config: SimConfig,
): void {
  if (state.folds === 0) {
    state.stallCycles += transferCycles(traffic.loadBytes, config);
  } else {
    const busy = transferCycles(traffic.loadBytes + state.previousStore, config);
    state.stallCycles += Math.max(0, busy - state.runningCompute);
  }
  state.folds += 1;
  state.previousStore = state.runningStore;
  state.runningStore = traffic.storeBytes;
  state.runningCompute = computeCycles;
}

/** Drains the pipeline after the last fold and returns the layer's stall cycles. */
export function finishLayer(state: PrefetchState, config: SimConfig): number {
  if (state.folds === 0) return 0;
  const lastWindow = transferCycles(state.previousStore, config) - state.runningCompute;
  return state.stallCycles + Math.max(0, lastWindow) + transferCycles(state.runningStore, config);
}
