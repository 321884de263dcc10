/**
 * `uboost bench engine`: the same random layer configs through (a) the WASM engine, (b) the plain
 * TS reference and (c) the batched tfjs formulas (how the paper's PyTorch code computes them),
 * checks that all three agree and reports configs per second for each, single thread.
 *
 * Rough ceiling for (a): a row costs one to three smooth ceilings (one exp and up to five
 * divisions each) plus ~20 loads and stores, on the order of 100 cycles; 1M rows at ~27M rows/s
 * measured ~37 ns a row on a 2.6 GHz core, so (a) is compute-bound near that limit, not memory.
 */
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import {
  type CostEngine,
  createCostEngine,
  type EngineBatch,
  type EngineOutputColumn,
  outputColumns,
} from "../src/engine/engine.js";
import {
  type LayerCostResult,
  type ReferenceRow,
  referenceLayerCost,
} from "../src/engine/reference.js";
import { authorsSmoothCeil } from "../src/engine/smoothCeilParams.js";
import { EngineKind } from "../src/layers/layer.js";
import { type CostColumns, type Tfjs, type TfjsLayerCosts, tfjsLayerCosts } from "./tfjsCost.js";

export interface EngineBenchOptions {
  configs: number;
  seed: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface EngineBenchResult {
  configs: number;
  /** mean over repeated passes of evaluate() over all configs */
  wasm: { configsPerSec: number; seconds: number };
  /** timedConfigs: the prefix of the configs it was timed (and checked) on */
  reference: { configsPerSec: number; seconds: number; timedConfigs: number };
  tfjs: { configsPerSec: number; seconds: number; backend: string; timedConfigs: number };
  agreement: { referenceMaxRelError: number; tfjsMaxRelError: number };
}

/** The reference (~6 µs a row) and tfjs (~75 µs) are timed and checked on this prefix only. */
const slowPathConfigs = 200_000;
/** Rows per tfjs call: [rows, N] float32 intermediates stay a few MB each. */
const tfjsChunkRows = 4096;
const progressEveryRows = 4096;
/** Repeat the WASM pass until this much time has been measured, so timer noise is negligible. */
const wasmMinSeconds = 0.5;
/** Both are float64; only summation order and algebraic form (O(1) vs N-term S) differ. */
const engineTolerance = 1e-9;
/** tfjs computes in float32 (exp over |B·t| ≤ 40 alone loses ~40 ulp). */
const tfjsTolerance = 1e-3;

const outputs: readonly EngineOutputColumn[] = outputColumns;

export async function benchEngine(options: EngineBenchOptions): Promise<EngineBenchResult> {
  const { configs, seed } = options;
  if (!Number.isInteger(configs) || configs < 1) throw new RangeError("configs must be ≥ 1");
  const progress = options.onProgress ?? (() => {});
  const engine = createCostEngine();
  const batch = engine.reserve(configs);
  generateConfigs(batch, configs, seed);
  progress("generate", configs, configs);

  const slowCount = Math.min(configs, slowPathConfigs);
  const wasmSeconds = timeWasm(engine, configs, progress).seconds;
  const reference = timeReference(batch, slowCount, progress);
  const tfjs = await timeTfjs(batch, slowCount, progress);

  const agreement = {
    referenceMaxRelError: checkAgreement("wasm", batch, reference.costs, batch, engineTolerance),
    tfjsMaxRelError: checkAgreement("tfjs", tfjs.costs, reference.costs, batch, tfjsTolerance),
  };
  return {
    configs,
    wasm: { configsPerSec: configs / wasmSeconds, seconds: wasmSeconds },
    reference: {
      configsPerSec: slowCount / reference.seconds,
      seconds: reference.seconds,
      timedConfigs: slowCount,
    },
    tfjs: {
      configsPerSec: slowCount / tfjs.seconds,
      seconds: tfjs.seconds,
      backend: tfjs.backend,
      timedConfigs: slowCount,
    },
    agreement,
  };
}

/**
 * The engine's one-thread configs/s alone (part (a) of benchEngine, same configs and timing),
 * for benchmarks that compare against it in the same run (bench sweep).
 */
export function benchEngineWasm(
  configs: number,
  seed: number,
): { configsPerSec: number; configsPerCpuSec: number } {
  const engine = createCostEngine();
  generateConfigs(engine.reserve(configs), configs, seed);
  const { seconds, cpuSeconds } = timeWasm(engine, configs, () => {});
  return { configsPerSec: configs / seconds, configsPerCpuSec: configs / cpuSeconds };
}

// ---------------------------------------------------------------------------------------------
// Configs

/** Conv-heavy like real networks; free rows check that the cheap path stays cheap. */
const kindMix: readonly EngineKind[] = [
  EngineKind.conv,
  EngineKind.conv,
  EngineKind.conv,
  EngineKind.dwconv,
  EngineKind.dws,
  EngineKind.fc,
  EngineKind.free,
];
const kernelSides = [1, 3, 5, 7];
const batchSizes = [1, 8, 64];
/** Powers of two, rows and columns drawn independently (128×64, 8×256, ...). */
const arraySides = [8, 16, 32, 64, 128, 256];

function generateConfigs(batch: EngineBatch, count: number, seed: number): void {
  const rng = xoroshiro128plus(seed);
  const pick = <T>(values: readonly T[]) => values[uniformInt(rng, 0, values.length - 1)];
  for (let i = 0; i < count; i++) {
    const kind = pick(kindMix);
    const fc = kind === EngineKind.fc;
    batch.kind[i] = kind;
    batch.k1[i] = fc ? 1 : pick(kernelSides);
    batch.k2[i] = fc ? 1 : pick(kernelSides);
    batch.c[i] = uniformInt(rng, 1, 1024);
    // a depthwise conv keeps its channel count
    batch.f[i] = kind === EngineKind.dwconv ? batch.c[i] : uniformInt(rng, 1, 1024);
    batch.h[i] = fc ? 1 : uniformInt(rng, 1, 112);
    batch.w[i] = fc ? 1 : uniformInt(rng, 1, 112);
    batch.batch[i] = pick(batchSizes);
    batch.arrayRows[i] = pick(arraySides);
    batch.arrayCols[i] = pick(arraySides);
  }
}

function referenceRow(batch: EngineBatch, i: number): ReferenceRow {
  return {
    kind: batch.kind[i] as EngineKind,
    k1: batch.k1[i],
    k2: batch.k2[i],
    c: batch.c[i],
    f: batch.f[i],
    h: batch.h[i],
    w: batch.w[i],
    batch: batch.batch[i],
    arrayRows: batch.arrayRows[i],
    arrayCols: batch.arrayCols[i],
  };
}

// ---------------------------------------------------------------------------------------------
// Timing

type Progress = (stage: string, done: number, total: number) => void;

/** Mean seconds of one evaluate() over all configs; the inputs are already in WASM memory. */
/** Wall and CPU seconds of one evaluate() pass over `count` configs. */
function timeWasm(
  engine: CostEngine,
  count: number,
  progress: Progress,
): { seconds: number; cpuSeconds: number } {
  engine.evaluate(count, { smooth: authorsSmoothCeil }); // warm-up: lets V8 tier the module up before the clock starts
  let passes = 0;
  let seconds = 0;
  const cpuBefore = process.cpuUsage();
  while (seconds < wasmMinSeconds) {
    const start = performance.now();
    engine.evaluate(count, { smooth: authorsSmoothCeil });
    seconds += (performance.now() - start) / 1e3;
    passes++;
    progress("wasm", Math.min(seconds, wasmMinSeconds), wasmMinSeconds);
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds: seconds / passes, cpuSeconds: (cpu.user + cpu.system) / 1e6 / passes };
}

function timeReference(batch: EngineBatch, count: number, progress: Progress) {
  // Row objects are built before the clock starts: we time the model, not the marshalling.
  const rows = Array.from({ length: count }, (_, i) => referenceRow(batch, i));
  const costs: LayerCostResult[] = new Array(count);
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    costs[i] = referenceLayerCost(rows[i], authorsSmoothCeil);
    if ((i + 1) % progressEveryRows === 0) progress("reference", i + 1, count);
  }
  const seconds = (performance.now() - start) / 1e3;
  progress("reference", count, count);
  return { seconds, costs: costsAsColumns(costs) };
}

async function timeTfjs(batch: EngineBatch, count: number, progress: Progress) {
  const { tf, backend } = await loadTfjs();
  tfjsLayerCosts(tf, chunkColumns(batch, 0, Math.min(count, 256)), authorsSmoothCeil); // warm-up
  const costs = emptyColumns(Float32Array, count);
  const tensorsBefore = tf.memory().numTensors;
  let seconds = 0;
  for (let start = 0; start < count; start += tfjsChunkRows) {
    const end = Math.min(count, start + tfjsChunkRows);
    const columns = chunkColumns(batch, start, end);
    const began = performance.now();
    const chunk = tfjsLayerCosts(tf, columns, authorsSmoothCeil);
    seconds += (performance.now() - began) / 1e3;
    for (const name of outputs) costs[name].set(chunk[name], start);
    progress("tfjs", end, count);
  }
  if (tf.memory().numTensors !== tensorsBefore) throw new Error("bench engine: tfjs leaks tensors");
  return { seconds, costs, backend };
}

/**
 * tfjs with its WASM backend (single-threaded under Node: the backend turns threads off there),
 * falling back to the pure-JS cpu backend where the backend's .wasm cannot be loaded.
 */
async function loadTfjs(): Promise<{ tf: Tfjs; backend: string }> {
  const tf = await import("@tensorflow/tfjs");
  try {
    await import("@tensorflow/tfjs-backend-wasm");
    if (await tf.setBackend("wasm")) {
      await tf.ready();
      return { tf, backend: tf.getBackend() };
    }
  } catch {
    // fall through to cpu
  }
  await tf.setBackend("cpu");
  await tf.ready();
  return { tf, backend: tf.getBackend() };
}

function chunkColumns(batch: EngineBatch, start: number, end: number): CostColumns {
  return {
    kind: batch.kind.subarray(start, end),
    k1: batch.k1.subarray(start, end),
    k2: batch.k2.subarray(start, end),
    c: batch.c.subarray(start, end),
    f: batch.f.subarray(start, end),
    h: batch.h.subarray(start, end),
    w: batch.w.subarray(start, end),
    batch: batch.batch.subarray(start, end),
    arrayRows: batch.arrayRows.subarray(start, end),
    arrayCols: batch.arrayCols.subarray(start, end),
  };
}

// ---------------------------------------------------------------------------------------------
// Agreement

type Columns = Record<EngineOutputColumn, ArrayLike<number>>;

function emptyColumns<T extends Float32Array | Float64Array>(
  Type: new (length: number) => T,
  count: number,
): Record<EngineOutputColumn, T> {
  return Object.fromEntries(outputs.map((name) => [name, new Type(count)])) as Record<
    EngineOutputColumn,
    T
  >;
}

function costsAsColumns(
  costs: readonly LayerCostResult[],
): Record<EngineOutputColumn, Float64Array> {
  const columns = emptyColumns(Float64Array, costs.length);
  costs.forEach((cost, i) => {
    for (const name of outputs) columns[name][i] = cost[name];
  });
  return columns;
}

/**
 * Gradients that vanish analytically (dwconv util does not depend on c, f) come out of a
 * quotient rule or of autodiff as round-off, so gradients are measured against the scale of
 * their terms: value / min(c, f), as test/engine/engine.test.ts does.
 */
function errorFloor(name: EngineOutputColumn, want: Columns, batch: EngineBatch, i: number) {
  const channels = Math.min(batch.c[i], batch.f[i]);
  if (name === "dUtilDc" || name === "dUtilDf") return want.smoothUtil[i] / channels;
  if (name === "dCyclesDc" || name === "dCyclesDf") return want.smoothCycles[i] / channels;
  return 0;
}

/** Max relative error of `got` against the reference over the timed rows; throws beyond tolerance. */
function checkAgreement(
  label: string,
  got: Columns | TfjsLayerCosts,
  want: Columns,
  batch: EngineBatch,
  tolerance: number,
): number {
  let worst: { error: number; name: EngineOutputColumn; row: number } = {
    error: 0,
    name: "macs",
    row: 0,
  };
  const count = want.macs.length;
  for (const name of outputs) {
    for (let i = 0; i < count; i++) {
      const error = relativeError(got[name][i], want[name][i], errorFloor(name, want, batch, i));
      if (error > worst.error) worst = { error, name, row: i };
    }
  }
  if (worst.error > tolerance) {
    const { name, row } = worst;
    throw new Error(
      `bench engine: ${label} disagrees with the reference on ${name} (relative error ` +
        `${worst.error}, tolerance ${tolerance}): got ${got[name][row]}, ` +
        `want ${want[name][row]} for ${JSON.stringify(referenceRow(batch, row))}`,
    );
  }
  return worst.error;
}

/** NaN on either side counts as an infinite error. */
function relativeError(got: number, want: number, floor: number): number {
  const diff = Math.abs(got - want);
  if (diff === 0) return 0;
  if (Number.isNaN(diff)) return Number.POSITIVE_INFINITY;
  return diff / Math.max(Math.abs(got), Math.abs(want), floor, Number.MIN_VALUE);
}
