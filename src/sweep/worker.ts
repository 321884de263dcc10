/**
 * The sweep's piscina worker: costs a chunk of consecutive grid rows and returns them as text
 * (so the main thread only appends strings), with the chunk's summary totals and curve samples.
 * Each thread keeps its cost model context (the WASM engine) and the networks it has loaded.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { workerData } from "piscina";
import { networkTotal } from "../engine/network.js";
import { readBlackboxTable } from "../hw/blackbox/tableFile.js";
import type { EngineEstimate, LayerEstimate } from "../hw/costModel.js";
import { costModelByName, modelContext } from "../hw/models/index.js";
import type { SimConfig } from "../hw/simulator/config.js";
import type { Layer } from "../layers/layer.js";
import { isCurveSample } from "./curves.js";
import {
  type GridPoint,
  gridPoint,
  networkName,
  type SweepSpec,
  summaryCell,
  sweepRowLayers,
} from "./grid.js";
import { formatRow, type RowFormat } from "./rowFormat.js";
import { addRow, type CellTotals, type SummaryCells } from "./summary.js";

export interface SweepWorkerData {
  spec: SweepSpec;
  /** null: no output file, so no text to build */
  format: RowFormat | null;
  curves: boolean;
}

/** Rows [start, end) of the grid. */
export interface SweepChunk {
  start: number;
  end: number;
}

export interface SweepChunkResult {
  text: string;
  cells: [number, CellTotals][];
  /** curve samples as (row, util, smoothUtil or NaN) triples */
  curve: number[];
}

const { spec, format, curves } = workerData as SweepWorkerData;
const model = costModelByName(spec.model);
const context = modelContext({
  blackboxTable: spec.tablePath === undefined ? undefined : readBlackboxTable(spec.tablePath),
});
const hardwareByArray: SimConfig[] = spec.arrays.map((shape) => ({
  ...spec.hardware,
  arrayRows: shape.rows,
  arrayCols: shape.cols,
}));
/** zoo and file networks by (network, batch); family members are one layer, built per row */
const loaded = new Map<number, Layer[]>();

export default function costChunk(chunk: SweepChunk): SweepChunkResult {
  crashHookForTests(chunk);
  const cells: SummaryCells = new Map();
  const curve: number[] = [];
  let text = "";
  for (let row = chunk.start; row < chunk.end; row++) {
    const point = gridPoint(spec, row);
    const { macs, cycles, util, smoothUtil } = costRow(point);
    addRow(cells, summaryCell(spec, point), macs, cycles, util);
    if (curves && isCurveSample(spec.networks[point.network], point.member)) {
      curve.push(row, util, smoothUtil ?? Number.NaN);
    }
    if (format === null) continue;
    const { rows: arrayRows, cols: arrayCols } = spec.arrays[point.array];
    const network = networkName(spec.networks[point.network], point.member);
    const batch = spec.batches[point.batch];
    const runtimeMs = (cycles / spec.hardware.clockHz) * 1e3;
    text += formatRow(format, {
      ...{ row, network, arrayRows, arrayCols, batch, model: spec.model },
      ...{ macs, cycles, runtimeMs, util, smoothUtil },
    });
  }
  return { text, cells: [...cells], curve };
}

function costRow(point: GridPoint) {
  const hardware = hardwareByArray[point.array];
  const estimates = model.estimate(layersOf(point), hardware, context);
  const array = { rows: hardware.arrayRows, cols: hardware.arrayCols };
  const { macs, cycles, util } = networkTotal(estimates, array, hardware.clockHz);
  return { macs, cycles, util, smoothUtil: smoothUtilOf(estimates, macs, array.rows * array.cols) };
}

/** The engine's models also give the smooth relaxation: ΣMACs / (Σ smooth cycles · PEs). */
function smoothUtilOf(estimates: LayerEstimate[], macs: number, pes: number): number | null {
  if (estimates.length === 0 || !("engine" in estimates[0])) return null;
  let smoothCycles = 0;
  for (const estimate of estimates)
    smoothCycles += (estimate as EngineEstimate).engine.smoothCycles;
  return smoothCycles > 0 ? macs / (smoothCycles * pes) : 1;
}

function layersOf(point: GridPoint): Layer[] {
  const network = spec.networks[point.network];
  const batch = spec.batches[point.batch];
  if (network.kind === "family") return sweepRowLayers(network, point.member, batch);
  const key = point.network * spec.batches.length + point.batch;
  const cached = loaded.get(key);
  if (cached !== undefined) return cached;
  const layers = sweepRowLayers(network, 0, batch);
  loaded.set(key, layers);
  return layers;
}

/**
 * Test hook (test/sweep): UBOOST_SWEEP_CRASH="<row>:<times>:<counterFile>" ends this worker
 * thread (exit code 1, as a crash would) the first <times> times a chunk holding <row> starts,
 * counting in <counterFile>, so the tests can see a crashed chunk retried once, then reported.
 */
function crashHookForTests(chunk: SweepChunk): void {
  const hook = process.env.UBOOST_SWEEP_CRASH;
  if (!hook) return;
  const [row, times, ...path] = hook.split(":");
  const counterFile = path.join(":");
  if (Number(row) < chunk.start || Number(row) >= chunk.end) return;
  const crashes = existsSync(counterFile) ? Number(readFileSync(counterFile, "utf8")) : 0;
  if (crashes >= Number(times)) return;
  writeFileSync(counterFile, String(crashes + 1));
  process.exit(1);
}
