import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../projectRoot.js";
import { type SmoothCeilParams, uncappedSmoothCeil } from "./smoothCeilParams.js";

/** Column order of the WASM batch (assembly/index.ts reads the same indices). */
const inputColumns = ["k1", "k2", "c", "f", "h", "w", "batch", "arrayRows", "arrayCols"] as const;
export const outputColumns = [
  "macs",
  "cycles",
  "util",
  "smoothCycles",
  "smoothUtil",
  "dCyclesDc",
  "dCyclesDf",
  "dUtilDc",
  "dUtilDf",
] as const;
const f64Columns = [...inputColumns, ...outputColumns];

export type EngineInputColumn = (typeof inputColumns)[number];
export type EngineOutputColumn = (typeof outputColumns)[number];

/**
 * Typed-array views straight onto WASM memory: fill the inputs, call evaluate(), read the
 * outputs. Views go stale when the engine grows its memory, so take them again after reserve().
 */
export type EngineBatch = Record<EngineInputColumn | EngineOutputColumn, Float64Array> & {
  /** EngineKind per row */
  kind: Int32Array;
  capacity: number;
};

export type FoldTiming = "uboost" | "pipelined";

export interface EngineOptions {
  smooth?: SmoothCeilParams;
  timing?: FoldTiming;
}

export interface CostEngine {
  /** Views for at least `rows` rows (grows WASM memory when needed). */
  reserve(rows: number): EngineBatch;
  /**
   * Evaluates the first `count` rows of the current batch with the paper's model ("uboost": a
   * fold costs h·w·b cycles) or the pipelined one (plus each fold's weight load and fill/drain).
   */
  evaluate(count: number, options?: EngineOptions): void;
  /** S(x) and S'(x) at one point, through the same WASM code the batch uses. */
  smoothCeil(x: number, smooth?: SmoothCeilParams): { value: number; slope: number };
}

interface EngineExports {
  memory: WebAssembly.Memory;
  COLUMN_COUNT: WebAssembly.Global;
  lastSmoothSlope: WebAssembly.Global;
  heapBase(): number;
  smoothCeilAt(x: number, terms: number, offset: number, sharpness: number, v: number): number;
  evaluate(
    count: number,
    base: number,
    capacity: number,
    terms: number,
    offset: number,
    sharpness: number,
    v: number,
    pipelined: boolean,
  ): void;
}

const pageBytes = 65536;
let compiled: WebAssembly.Module | undefined;

function engineModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(join(projectRoot(), "build", "uboost.wasm")));
  return compiled;
}

/** Instantiates the engine (synchronous, so workers and CLI commands can make one on demand). */
export function createCostEngine(): CostEngine {
  const wasm = new WebAssembly.Instance(engineModule(), {}).exports as unknown as EngineExports;
  if (wasm.COLUMN_COUNT.value !== f64Columns.length) {
    throw new Error("uboost: build/uboost.wasm does not match src/engine/engine.ts; rebuild");
  }
  const base = (wasm.heapBase() + 15) & ~15;
  let batch = makeViews(wasm.memory.buffer, base, 0);

  return {
    reserve(rows) {
      if (rows <= batch.capacity && batch.kind.buffer === wasm.memory.buffer) return batch;
      const capacity = Math.max(rows, batch.capacity * 2, 1024);
      const needed = base + capacity * (8 * f64Columns.length + 4);
      const have = wasm.memory.buffer.byteLength;
      if (needed > have) wasm.memory.grow(Math.ceil((needed - have) / pageBytes));
      batch = makeViews(wasm.memory.buffer, base, capacity);
      return batch;
    },
    evaluate(count, { smooth = uncappedSmoothCeil, timing = "uboost" } = {}) {
      if (count > batch.capacity) throw new RangeError(`evaluate(${count}) beyond reserve()`);
      const { terms, offset, sharpness, v } = smooth;
      const pipelined = timing === "pipelined";
      wasm.evaluate(count, base, batch.capacity, terms, offset, sharpness, v, pipelined);
    },
    smoothCeil(x, smooth = uncappedSmoothCeil) {
      const { terms, offset, sharpness, v } = smooth;
      const value = wasm.smoothCeilAt(x, terms, offset, sharpness, v);
      return { value, slope: wasm.lastSmoothSlope.value };
    },
  };
}

function makeViews(buffer: ArrayBuffer, base: number, capacity: number): EngineBatch {
  const views: Partial<EngineBatch> = { capacity };
  f64Columns.forEach((name, index) => {
    views[name] = new Float64Array(buffer, base + index * capacity * 8, capacity);
  });
  views.kind = new Int32Array(buffer, base + f64Columns.length * capacity * 8, capacity);
  return views as EngineBatch;
}
