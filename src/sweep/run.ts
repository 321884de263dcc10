/**
 * Runs a sweep on a worker pool: chunks of not-yet-written rows go out a few at a time, each
 * finished chunk is appended to the output in row order and marked done, and the summary grows
 * by chunk totals. Memory is the done set (one bit a row) plus a few chunks, never the grid.
 */
import { existsSync, statSync, truncateSync } from "node:fs";
import { InputError } from "../errors.js";
import { openAppendThread } from "../files/appendThread.js";
import { lockOutput } from "../files/outputLock.js";
import { readBlackboxTable } from "../hw/blackbox/tableFile.js";
import { costModelByName, modelContext } from "../hw/models/index.js";
import { validateSimConfig } from "../hw/simulator/config.js";
import type { Layer } from "../layers/layer.js";
import {
  builtWorkerFile,
  createPool,
  defaultWorkers,
  type FailedRange,
  type RowRange,
  runRanges,
} from "../pool/chunkPool.js";
import {
  addCurvePoint,
  type CurvePoints,
  curveSampler,
  type FamilyCurve,
  familyCurves,
} from "./curves.js";
import {
  gridPoint,
  gridSize,
  type SweepSpec,
  summaryCell,
  sweepRowLayers,
  validateGrid,
} from "./grid.js";
import type { EncodedRowGroup } from "./parquetChunk.js";
import { type GroupRecord, openParquetSweepFile } from "./parquetFile.js";
import { dropLines, readWrittenRows } from "./resume.js";
import { fileHeader, type RowFormat, rowFormatOf, type TextFormat } from "./rowFormat.js";
import { addRow, mergeCells, type SummaryCells, type SweepSummary, summarize } from "./summary.js";
import type { SweepChunkResult, SweepWorkerData } from "./worker.js";

export interface SweepOptions {
  /** a .parquet, .csv or .jsonl file the rows are appended to as they finish */
  out?: string;
  /** keep the rows already in `out` and cost only the others */
  resume?: boolean;
  workers?: number;
  /** rows per task, and so per Parquet row group (default: 65,536, fewer when the grid is small) */
  chunkRows?: number;
  /** collect the families' utilization curves (for --plot) */
  curves?: boolean;
  onProgress?: (progress: SweepProgress) => void;
}

export interface SweepProgress {
  /** rows written, this run's and resumed ones */
  done: number;
  total: number;
  failedRows: number;
}

export interface SweepResult {
  totalRows: number;
  /** rows found in `out` by --resume */
  resumedRows: number;
  /** rows costed by this run */
  costedRows: number;
  /** ranges whose worker failed twice; their rows are not in `out` (a --resume retries them) */
  failed: FailedRange[];
  failedRows: number;
  seconds: number;
  summary: SweepSummary;
  curves: FamilyCurve[];
}

/** Large enough that a chunk's fixed costs (a pool message, an engine call, a row group's footer entry) vanish; 64 K rows of columns are a few MB. */
const defaultChunkRows = 65536;

export async function runSweep(spec: SweepSpec, options: SweepOptions = {}): Promise<SweepResult> {
  const started = performance.now();
  validateSweep(spec);
  const progress: SweepState = {
    done: new RowSet(gridSize(spec)),
    cells: new Map(),
    samples: new Map(),
    isSample: options.curves ? curveSampler(spec) : () => false,
  };
  const unlock = options.out === undefined ? undefined : lockOutput(options.out, "--out");
  let output: SweepOutput | undefined;
  try {
    output = options.out === undefined ? undefined : openOutput(spec, options, progress);
  } catch (error) {
    unlock?.();
    throw error;
  }
  const resumedRows = progress.done.count;
  let closed = false;
  try {
    const failed = await costPendingRows(spec, options, progress, output);
    // every chunk is written by now and counted in the seconds; finishing the file is not
    await output?.flush();
    const result: SweepResult = {
      totalRows: progress.done.size,
      resumedRows,
      costedRows: progress.done.count - resumedRows,
      failed,
      failedRows: failed.reduce((sum, range) => sum + range.end - range.start, 0),
      seconds: (performance.now() - started) / 1e3,
      summary: summarize(spec, progress.cells),
      curves: familyCurves(spec, progress.samples),
    };
    closed = true;
    await output?.close();
    return result;
  } finally {
    try {
      if (!closed) await output?.close();
    } finally {
      unlock?.();
    }
  }
}

/** What a sweep knows so far: the rows written, and their summary totals and curve samples. */
interface SweepState {
  done: RowSet;
  cells: SummaryCells;
  samples: CurvePoints;
  /** whether a family member's row is a plot sample (never without --plot) */
  isSample: (network: number, member: number) => boolean;
}

/** The open output file: appends each chunk's encoded rows, then finishes the file. */
interface SweepOutput {
  format: RowFormat;
  write(range: RowRange, chunk: SweepChunkResult): void;
  /**
   * A buffer a written chunk came in, to lend a later chunk's worker: a CSV chunk's text is
   * ~10 MB, which a worker otherwise takes fresh (zeroed, faulted in) and the main thread frees
   */
  spare(): ArrayBuffer | undefined;
  /** resolves once every chunk given to write is in the file (a Parquet file's are at once) */
  flush(): Promise<void>;
  /** finishes the file: a text file's partial last block, a Parquet file's footer */
  close(): Promise<unknown>;
}

/** Spare buffers kept at most: as many as chunks in flight. */
function spareBuffers(most: number) {
  const buffers: ArrayBuffer[] = [];
  return {
    push: (buffer: ArrayBuffer) => {
      if (buffers.length < most) buffers.push(buffer);
    },
    pop: () => buffers.pop(),
  };
}

/** Runs the rows not yet done on a fresh pool; each finished chunk is written, then marked. */
async function costPendingRows(
  spec: SweepSpec,
  options: SweepOptions,
  state: SweepState,
  output: SweepOutput | undefined,
): Promise<FailedRange[]> {
  const { done, cells, samples } = state;
  const workers = options.workers ?? defaultWorkers();
  const curves = options.curves ?? false;
  const data: SweepWorkerData = { spec, format: output?.format ?? null, curves };
  const pool = createPool(builtWorkerFile("sweep/worker.js"), workers, data);
  let failedRows = 0;
  const report = () => options.onProgress?.({ done: done.count, total: done.size, failedRows });
  const maxInFlight = maxInFlightOf(options);
  try {
    report();
    const failed = await runRanges<SweepChunkResult>({
      pool,
      ranges: pendingRanges(done, chunkRowsFor(options, done.size - done.count, workers)),
      maxInFlight,
      // rows land in row order, so a sweep's file is the same bytes whatever the worker timing
      inOrder: true,
      lend: () => output?.spare(),
      onResult: (range, chunk) => {
        output?.write(range, chunk);
        done.addRange(range.start, range.end);
        mergeCells(cells, chunk.cells);
        addCurveSamples(spec, samples, chunk.curve);
        report();
      },
    });
    failedRows = failed.reduce((sum, range) => sum + range.end - range.start, 0);
    report();
    return failed;
  } finally {
    await pool.destroy();
  }
}

/**
 * Everything a worker could trip on, checked once here so workers never see bad input: the
 * grid, the model, every network file, and each array shape costing a 1×1 conv (which also
 * checks a blackbox table against the arrays).
 */
function validateSweep(spec: SweepSpec): void {
  validateGrid(spec);
  const model = costModelByName(spec.model);
  for (const network of spec.networks) sweepRowLayers(network, 0, spec.batches[0]);
  const blackboxTable =
    spec.tablePath === undefined ? undefined : readBlackboxTable(spec.tablePath);
  const context = modelContext({ blackboxTable });
  const probe: Layer[] = [
    {
      name: "probe",
      type: "conv",
      k1: 1,
      k2: 1,
      c: 1,
      f: 1,
      h: 1,
      w: 1,
      stride: 1,
      dilation: 1,
      batch: 1,
    },
  ];
  for (const { rows, cols } of spec.arrays) {
    const hardware = { ...spec.hardware, arrayRows: rows, arrayCols: cols };
    validateSimConfig(hardware);
    model.estimate(probe, hardware, context);
  }
}

/** Chunks submitted at once: a few a worker, so none waits for the main thread's next. */
function maxInFlightOf(options: SweepOptions): number {
  return 3 * (options.workers ?? defaultWorkers());
}

function chunkRowsFor(options: SweepOptions, pendingRows: number, workers: number): number {
  if (options.chunkRows !== undefined) return options.chunkRows;
  // Small grids of heavy rows (sim on whole networks) still spread over every worker.
  return Math.max(1, Math.min(defaultChunkRows, Math.ceil(pendingRows / (8 * workers))));
}

/** Opens `out`: resumes it (keeping its whole rows) or starts it. */
function openOutput(spec: SweepSpec, options: SweepOptions, state: SweepState): SweepOutput {
  const path = options.out as string;
  const format = rowFormatOf(path);
  const existing = existsSync(path) && statSync(path).size > 0;
  if (existing && !options.resume) {
    throw new InputError(`--out ${path} exists: add --resume to continue it, or remove it`);
  }
  const spares = spareBuffers(maxInFlightOf(options));
  if (format === "parquet") return openParquetOutput(path, spec, existing, state, spares);
  if (existing) keepWrittenRows(path, format, spec, state);
  const started = existsSync(path) && statSync(path).size > 0;
  // the rows go out from a thread of their own (appendThread.ts), which moves each chunk's
  // buffer back once written
  const file = openAppendThread(path, { onSpare: spares.push });
  if (!started) file.append(new TextEncoder().encode(fileHeader(format, spec)));
  return {
    format,
    write: (_range, chunk) => file.append(chunk.encoded as Uint8Array),
    spare: spares.pop,
    flush: () => file.flush(),
    close: () => file.close(),
  };
}

function openParquetOutput(
  path: string,
  spec: SweepSpec,
  existing: boolean,
  state: SweepState,
  spares: ReturnType<typeof spareBuffers>,
): SweepOutput {
  // A record holding a row already kept (two runs that wrote one file at once, before locks) is
  // dropped whole: its rows not found elsewhere are costed again.
  const file = openParquetSweepFile(path, spec, existing, (record) => {
    for (let row = record.start; row < record.end; row++) if (state.done.has(row)) return false;
    state.done.addRange(record.start, record.end);
    mergeCells(state.cells, record.cells);
    addCurveSamples(spec, state.samples, record.curve);
    return true;
  });
  return {
    format: "parquet",
    write(range, chunk) {
      const record: GroupRecord = { ...range, cells: chunk.cells, curve: chunk.curve };
      const group = chunk.encoded as EncodedRowGroup;
      file.append(group, record);
      spares.push(group.bytes.buffer as ArrayBuffer);
    },
    spare: spares.pop,
    flush: async () => {},
    close: async () => file.close(),
  };
}

/**
 * Marks the rows already in a text `path` done and counts them in, then cuts the file to its
 * whole lines. A row index found twice (two runs that wrote one file at once, before locks) keeps
 * its first line: the file is rewritten without the others.
 */
function keepWrittenRows(
  path: string,
  format: TextFormat,
  spec: SweepSpec,
  { done, cells, samples, isSample }: SweepState,
): void {
  const repeated = new Set<number>();
  const wholeBytes = readWrittenRows(path, format, spec, (row, point, lineNumber) => {
    if (done.has(row.row as number)) {
      repeated.add(lineNumber);
      return;
    }
    done.add(row.row as number);
    const { macs, cycles, util, smoothUtil } = row as Record<string, number>;
    addRow(cells, summaryCell(spec, point), macs, cycles, util);
    if (isSample(point.network, point.member))
      addCurvePoint(samples, spec, point, util, smoothUtil);
  });
  if (repeated.size > 0) dropLines(path, repeated);
  else truncateSync(path, wholeBytes);
}

function addCurveSamples(spec: SweepSpec, samples: CurvePoints, curve: number[]): void {
  for (let i = 0; i < curve.length; i += 3) {
    const smoothUtil = Number.isNaN(curve[i + 2]) ? null : curve[i + 2];
    addCurvePoint(samples, spec, gridPoint(spec, curve[i]), curve[i + 1], smoothUtil);
  }
}

/** Runs of rows not yet done, at most `chunkRows` long, found lazily. */
function* pendingRanges(done: RowSet, chunkRows: number): Generator<RowRange> {
  let row = 0;
  while (row < done.size) {
    row = done.nextWith(row, true);
    const start = row;
    row = Math.min(done.nextWith(row, false), start + chunkRows);
    if (row > start) yield { start, end: row };
  }
}

/** One bit a grid row. */
class RowSet {
  private readonly bits: Uint8Array;
  count = 0;
  constructor(readonly size: number) {
    this.bits = new Uint8Array(Math.ceil(size / 8));
  }
  has(row: number): boolean {
    return (this.bits[row >>> 3] & (1 << (row & 7))) !== 0;
  }
  /**
   * The first row from `row` on that is not done (`done` true) or is done (false), or size:
   * eight rows at a time where their byte is all one or the other (a fresh 4 M-row sweep's scan
   * took ~15 ms row by row).
   */
  nextWith(row: number, done: boolean): number {
    const skip = done ? 0xff : 0;
    let next = row;
    while (next < this.size) {
      if ((next & 7) === 0 && next + 8 <= this.size && this.bits[next >>> 3] === skip) next += 8;
      else if (this.has(next) === done) next++;
      else break;
    }
    return next;
  }
  add(row: number): void {
    if (this.has(row)) throw new Error(`sweep: row ${row} done twice`);
    this.bits[row >>> 3] |= 1 << (row & 7);
    this.count++;
  }
  /** Rows [start, end); whole bytes at a time, as a chunk's 64 K rows are marked per chunk. */
  addRange(start: number, end: number): void {
    let row = start;
    for (; row < end && (row & 7) !== 0; row++) this.add(row);
    for (; row + 8 <= end; row += 8) {
      if (this.bits[row >>> 3] !== 0)
        throw new Error(`sweep: a row of ${row}..${row + 7} done twice`);
      this.bits[row >>> 3] = 0xff;
      this.count += 8;
    }
    for (; row < end; row++) this.add(row);
  }
}
