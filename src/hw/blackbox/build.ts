/**
 * Fills a blackbox table with the cycle-level simulator, measurements spread over a worker pool
 * (the simulator walks every fold, so a full table is ~10^5 layer simulations).
 */
import {
  builtWorkerFile,
  createPool,
  defaultWorkers,
  type RowRange,
  runRanges,
} from "../../pool/chunkPool.js";
import { type SimConfig, validateSimConfig } from "../simulator/config.js";
import type { BuildWorkerData } from "./buildWorker.js";
import { type MeasurementGrid, measurementCount } from "./grid.js";
import { type BlackboxTable, sectionSize, tableFormat, tableHardwareFields } from "./table.js";

export interface BlackboxBuildOptions {
  hardware: SimConfig;
  grid: MeasurementGrid;
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function buildBlackboxTable(options: BlackboxBuildOptions): Promise<BlackboxTable> {
  const { hardware, grid } = options;
  validateSimConfig(hardware);
  const total = measurementCount(grid);
  const workers = options.workers ?? defaultWorkers();
  const cycles = new Float64Array(total);
  const data: BuildWorkerData = { grid, hardware };
  const pool = createPool(builtWorkerFile("hw/blackbox/buildWorker.js"), workers, data);
  let done = 0;
  try {
    const failed = await runRanges<Float64Array>({
      pool,
      ranges: chunksOf(total, Math.min(1000, Math.ceil(total / (workers * 32)))),
      maxInFlight: 3 * workers,
      onResult: (range, measured) => {
        cycles.set(measured, range.start);
        done += range.end - range.start;
        options.onProgress?.(done, total);
      },
    });
    // A table with holes would answer lookups with zeros: fail the build instead.
    if (failed.length > 0) {
      const { start, end, error } = failed[0];
      throw new Error(`blackbox build: measurements ${start}..${end - 1} failed twice: ${error}`);
    }
  } finally {
    await pool.destroy();
  }
  return tableOf(grid, hardware, cycles);
}

function* chunksOf(total: number, size: number): Generator<RowRange> {
  for (let start = 0; start < total; start += size)
    yield { start, end: Math.min(total, start + size) };
}

function tableOf(grid: MeasurementGrid, hardware: SimConfig, cycles: Float64Array): BlackboxTable {
  let offset = 0;
  const sections = grid.sections.map((section) => {
    const size = sectionSize(grid, section);
    const measured = Array.from(cycles.subarray(offset, offset + size));
    offset += size;
    return { ...section, cycles: measured };
  });
  return {
    format: tableFormat,
    array: [hardware.arrayRows, hardware.arrayCols],
    ...tableHardwareFields(hardware),
    channels: grid.channels,
    batches: grid.batches,
    dilation: grid.dilation,
    sections,
  };
}
