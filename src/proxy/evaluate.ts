/**
 * Latency of every sampled architecture on every device, on the shared piscina chunk pool. Each
 * range of architectures lands at its own offset, so results do not depend on how many workers
 * ran them or in which order ranges finished.
 */
import { runtimeMsOf } from "../engine/network.js";
import { InputError } from "../errors.js";
import type { CostModel, ModelContext } from "../hw/costModel.js";
import { costModelByName, modelContext } from "../hw/models/index.js";
import { type SimConfig, validateSimConfig } from "../hw/simulator/config.js";
import { builtWorkerFile, createPool, type RowRange, runRanges } from "../pool/chunkPool.js";
import { type Architectures, architectureLayers, type SampleSpace } from "./sample.js";

/** An accelerator configuration treated as a device, and the label tables and JSON show. */
export interface Device {
  label: string;
  config: SimConfig;
}

/** What every worker holds: plain data, structured-cloned once per thread. */
export interface LatencyJob {
  sample: SampleSpace;
  archs: Architectures;
  model: string;
  devices: SimConfig[];
}

/** latencyMs[d][i]: architecture i on device d, in milliseconds. */
export type LatencyColumns = Float64Array[];

/** What a worker runs: arch-major latencies (architectures × devices) of rows [start, end). */
export function rangeLatencies(job: LatencyJob, range: RowRange, context: ModelContext) {
  const model = costModelByName(job.model);
  const { devices } = job;
  const latencies = new Float64Array((range.end - range.start) * devices.length);
  for (let i = range.start; i < range.end; i++) {
    const layers = architectureLayers(job.sample, job.archs, i);
    devices.forEach((device, d) => {
      const cycles = model.estimate(layers, device, context).reduce((sum, l) => sum + l.cycles, 0);
      latencies[(i - range.start) * devices.length + d] = runtimeMsOf(cycles, device.clockHz);
    });
  }
  return latencies;
}

export interface EvaluateOptions {
  model: string;
  workers: number;
  /** architectures per task: small enough that progress moves, large enough to amortize */
  chunkSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function evaluateLatencies(
  sample: SampleSpace,
  archs: Architectures,
  devices: Device[],
  options: EvaluateOptions,
): Promise<LatencyColumns> {
  const job = checkedJob(sample, archs, devices, options.model);
  const chunkSize = options.chunkSize ?? 50;
  const pool = createPool(builtWorkerFile("proxy/worker.js"), options.workers, job);
  const columns = devices.map(() => new Float64Array(archs.count));
  let done = 0;
  try {
    const failed = await runRanges<Float64Array>({
      pool,
      ranges: ranges(archs.count, chunkSize),
      maxInFlight: options.workers * 4,
      onResult: (range, latencies) => {
        scatter(latencies, columns, range);
        done += range.end - range.start;
        options.onProgress?.(done, archs.count);
      },
    });
    if (failed.length > 0) {
      const { start, end, error } = failed[0];
      throw new Error(`proxy: architectures ${start}–${end - 1} failed twice: ${error}`);
    }
  } finally {
    await pool.destroy();
  }
  return columns;
}

/** The same latencies in this thread: small runs, and the reference the pool must equal. */
export function evaluateLatenciesInline(
  sample: SampleSpace,
  archs: Architectures,
  devices: Device[],
  model: string,
): LatencyColumns {
  const job = checkedJob(sample, archs, devices, model);
  const columns = devices.map(() => new Float64Array(archs.count));
  const range = { start: 0, end: archs.count };
  scatter(rangeLatencies(job, range, modelContext()), columns, range);
  return columns;
}

/** Checked here, where an InputError still reaches the CLI as one line. */
function checkedJob(
  sample: SampleSpace,
  archs: Architectures,
  devices: Device[],
  model: string,
): LatencyJob {
  checkDeviceModel(model, devices);
  return { sample, archs, model, devices: devices.map((device) => device.config) };
}

/** A cost model that can price every device of a study, and devices it can price. */
export function checkDeviceModel(model: string, devices: Device[]): CostModel {
  const costModel = costModelByName(model);
  if (model === "blackbox") {
    throw new InputError(
      "--model blackbox: a table holds one device's measurements; for measured latencies use --latencies FILE.csv",
    );
  }
  for (const device of devices) validateSimConfig(device.config);
  return costModel;
}

function* ranges(count: number, size: number): Generator<RowRange> {
  for (let start = 0; start < count; start += size) {
    yield { start, end: Math.min(start + size, count) };
  }
}

function scatter(latencies: Float64Array, columns: LatencyColumns, range: RowRange) {
  const deviceCount = columns.length;
  for (let i = range.start; i < range.end; i++) {
    const row = (i - range.start) * deviceCount;
    for (let d = 0; d < deviceCount; d++) columns[d][i] = latencies[row + d];
  }
}
