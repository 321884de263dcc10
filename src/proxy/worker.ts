/** The piscina worker: one cost-model context (WASM engine) per thread, reused for every range. */
import { workerData } from "piscina";
import { modelContext } from "../hw/models/index.js";
import type { RowRange } from "../pool/chunkPool.js";
import { type LatencyJob, rangeLatencies } from "./evaluate.js";

const job = workerData as LatencyJob;
const context = modelContext();

export default function run(range: RowRange): Float64Array {
  return rangeLatencies(job, range, context);
}
