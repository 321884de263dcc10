/**
 * The sweep's piscina worker: costs a chunk of consecutive grid rows into columns (costRows.ts),
 * totals them for the summary, and encodes them for the output file (a Parquet row group, or
 * CSV / JSON Lines text), so the main thread only appends. Each thread keeps its cost model
 * context (the WASM engine), the networks it has loaded and its encoders.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { move, transferableSymbol, valueSymbol, workerData } from "piscina";
import { costModelByName, modelContext } from "../hw/models/index.js";
import { costRows, rowCoster } from "./costRows.js";
import { curveSampler } from "./curves.js";
import type { SweepSpec } from "./grid.js";
import type { EncodedRowGroup } from "./parquetChunk.js";
import { type RowFormat, textRowWriter } from "./rowFormat.js";
import { addChunkRows, type CellTotals, type SummaryCells } from "./summary.js";

export interface SweepWorkerData {
  spec: SweepSpec;
  /** null: no output file, so nothing to encode */
  format: RowFormat | null;
  curves: boolean;
}

/** Rows [start, end) of the grid, and a buffer lent to write them into (chunkPool's `lend`). */
export interface SweepChunk {
  start: number;
  end: number;
  buffer?: ArrayBuffer;
}

export interface SweepChunkResult {
  /** CSV or JSON Lines text (UTF-8), or a Parquet row group; null without an output file */
  encoded: Uint8Array | EncodedRowGroup | null;
  cells: [number, CellTotals][];
  /** curve samples as (row, util, smoothUtil or NaN) triples */
  curve: number[];
}

const { spec, format, curves } = workerData as SweepWorkerData;
// the table reader (and its CSV parser) loads only for --model blackbox
const blackboxTable =
  spec.tablePath === undefined
    ? undefined
    : (await import("../hw/blackbox/tableFile.js")).readBlackboxTable(spec.tablePath);
const coster = rowCoster(spec, costModelByName(spec.model), modelContext({ blackboxTable }));
// the Parquet writer loads only where a Parquet file is written
const encode =
  format === "parquet"
    ? (await import("./parquetChunk.js")).parquetRowGroupEncoder(spec)
    : format === null
      ? () => null
      : textRowWriter(spec, format);
const isSample = curveSampler(spec);

export default function costChunk(chunk: SweepChunk) {
  crashHookForTests(chunk);
  const rows = costRows(coster, chunk.start, chunk.end - chunk.start);
  const cells: SummaryCells = new Map();
  addChunkRows(spec, cells, rows);
  const curve: number[] = [];
  if (curves) {
    for (let i = 0; i < rows.count; i++) {
      if (isSample(rows.network[i], rows.member[i]))
        curve.push(rows.start + i, rows.util[i], rows.smoothUtil[i]);
    }
  }
  const encoded = encode(rows, chunk.buffer);
  const result: SweepChunkResult = { encoded, cells: [...cells], curve };
  return movingBytes(result);
}

/**
 * The result with its encoded bytes moved to the main thread, not copied: a chunk's rows are
 * megabytes, and cloning them cost the worker and the main thread each a copy per chunk. The
 * encoders hand out bytes whose buffer is theirs alone to give (the main thread lends it out
 * again once written).
 */
function movingBytes(result: SweepChunkResult) {
  const { encoded } = result;
  const bytes = encoded instanceof Uint8Array ? encoded : encoded?.bytes;
  return move({
    [transferableSymbol]: bytes === undefined ? [] : [bytes.buffer],
    [valueSymbol]: result,
  });
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
