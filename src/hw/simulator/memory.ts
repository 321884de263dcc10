/**
 * DRAM traffic and stalls, fold by fold, over one shared DRAM port. Weight tiles are double
 * buffered: fold j+1's tile is prefetched while fold j computes. Inputs and outputs stream
 * through the SRAM in step with the array: fold j's input slice is read, and its finished outputs
 * written, while fold j computes. If the port needs longer than the fold's compute cycles for all
 * of that, the array stalls for the difference. Only fold 0's weight tile has nothing to hide
 * behind. Each layer reads its input from DRAM and writes its output back (no reuse of one
 * layer's output on chip by the next).
 */
import type { Fold } from "./compute.js";
import type { SimConfig } from "./config.js";
import type { Gemm } from "./gemm.js";

/** Bytes one fold moves over the DRAM port. */
export interface FoldTraffic {
  /** the weight tile, needed before the fold starts */
  weightBytes: number;
  /** the input slice read (unless resident) and the finished outputs written during the fold */
  streamBytes: number;
}

/** Running state of the DRAM port across a layer's folds. */
export interface PortState {
  folds: number;
  /** compute cycles of the fold now running */
  runningCompute: number;
  /** input and output bytes the running fold moves */
  runningStream: number;
  stallCycles: number;
}

export function newPortState(): PortState {
  return { folds: 0, runningCompute: 0, runningStream: 0, stallCycles: 0 };
}

/** Whole cycles the port needs for `bytes`; 0 with unlimited bandwidth. */
export function transferCycles(bytes: number, config: SimConfig): number {
  if (bytes === 0) return 0;
  return Math.ceil((bytes * config.clockHz) / config.bandwidthBytesPerSec);
}

/**
 * The input stays in SRAM across column folds when it fits beside one column fold of partial
 * sums (streamRows × arrayCols) and two weight tiles (double buffer); otherwise every column
 * fold reads it from DRAM again. Partial sums are assumed to stay on chip until final.
 */
export function inputResident(gemm: Gemm, config: SimConfig): boolean {
  const { arrayRows, arrayCols, bytesPerOperand, sramBytes } = config;
  const elems = gemm.inputElems + gemm.streamRows * arrayCols + 2 * arrayRows * arrayCols;
  return elems * bytesPerOperand <= sramBytes;
}

/** Input elements the first `k` of the depth rows cover: ⌊E·k/D⌋. */
export function inputShare(gemm: Gemm, k: number): number {
  return Math.floor((gemm.inputElems * k) / gemm.depth);
}

// A row fold reads the share of the input that its K slice covers; the floors telescope, so the
// slices of one column fold add up to exactly inputElems.
function inputSliceElems(gemm: Gemm, fold: Fold): number {
  return inputShare(gemm, fold.rowStart + fold.rowsUsed) - inputShare(gemm, fold.rowStart);
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
  return { weightBytes: weights * bytes, streamBytes: (inputs + outputs) * bytes };
}

/**
 * Cycles the array waits when a fold with a `weightBytes` tile follows one that moves
 * `streamBytes` in `computeCycles`: the port carries both during the running fold.
 */
export function windowStall(
  weightBytes: number,
  streamBytes: number,
  computeCycles: number,
  config: SimConfig,
): number {
  return Math.max(0, transferCycles(weightBytes + streamBytes, config) - computeCycles);
}

/** Starts the next fold; the running fold's window also carried this fold's weight prefetch. */
export function stepFold(
  port: PortState,
  traffic: FoldTraffic,
  computeCycles: number,
  config: SimConfig,
): void {
  if (port.folds === 0) {
    port.stallCycles += transferCycles(traffic.weightBytes, config);
  } else {
    port.stallCycles += windowStall(
      traffic.weightBytes,
      port.runningStream,
      port.runningCompute,
      config,
    );
  }
  port.folds += 1;
  port.runningStream = traffic.streamBytes;
  port.runningCompute = computeCycles;
}

/** Closes the last fold's window and returns the layer's stall cycles. */
export function finishLayer(port: PortState, config: SimConfig): number {
  const lastWindow = transferCycles(port.runningStream, config) - port.runningCompute;
  return port.stallCycles + Math.max(0, lastWindow);
}
