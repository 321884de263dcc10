/** The blackbox build's piscina worker: simulates a range of the measurement grid. */
import { workerData } from "piscina";
import type { RowRange } from "../../pool/chunkPool.js";
import type { SimConfig } from "../simulator/config.js";
import { simulateLayer } from "../simulator/simulate.js";
import { type MeasurementGrid, measurementLayer } from "./grid.js";

export interface BuildWorkerData {
  grid: MeasurementGrid;
  hardware: SimConfig;
}

const { grid, hardware } = workerData as BuildWorkerData;

/** Cycles of measurements [start, end). */
export default function measureRange(range: RowRange): Float64Array {
  const cycles = new Float64Array(range.end - range.start);
  for (let index = range.start; index < range.end; index++) {
    cycles[index - range.start] = simulateLayer(measurementLayer(grid, index), hardware).cycles;
  }
  return cycles;
}
