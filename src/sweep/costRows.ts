/**
 * Costs a run of consecutive grid rows into columns. Under the engine's models every layer of
 * every row goes into one struct-of-arrays engine batch, one evaluate() call costs them all, and
 * network totals are reductions over the output columns: no object per row or per layer. Other
 * models (the simulator, roofline, ...) cost row by row through CostModel.estimate.
 */
import type { CostEngine, EngineBatch } from "../engine/engine.js";
import { networkTotal, writeLayerRow } from "../engine/network.js";
import type { CostModel, EngineEstimate, ModelContext } from "../hw/costModel.js";
import type { SimConfig } from "../hw/simulator/config.js";
import type { Layer } from "../layers/layer.js";
import { type RowColumns, reusedRowColumns, sweepAxes } from "./columns.js";
import { type FamilyEngineMap, familyEngineMap, type LayerFamily } from "./family.js";
import { type GridPoint, gridPoint, networkCount, type SweepSpec, sweepRowLayers } from "./grid.js";

/** What a thread keeps between chunks: its model, engine, loaded networks and family maps. */
export interface RowCoster {
  spec: SweepSpec;
  model: CostModel;
  context: ModelContext;
  hardwareByArray: SimConfig[];
  /** zoo and file networks by (network, batch) */
  loaded: Map<number, Layer[]>;
  /** per network: a family's engine map, its axis column per field (-1: not an axis) */
  families: ({ family: LayerFamily; map: FamilyEngineMap; axisOf: number[] } | undefined)[];
  axes: number;
  /** every network is a family: one engine row a grid row */
  onlyFamilies: boolean;
  /** the last chunk's columns, whose buffers the next chunk reuses */
  columns?: RowColumns;
}

export function rowCoster(spec: SweepSpec, model: CostModel, context: ModelContext): RowCoster {
  const axes = sweepAxes(spec);
  return {
    spec,
    model,
    context,
    hardwareByArray: spec.arrays.map((shape) => ({
      ...spec.hardware,
      arrayRows: shape.rows,
      arrayCols: shape.cols,
    })),
    loaded: new Map(),
    families: spec.networks.map((network) => {
      if (network.kind !== "family") return undefined;
      const { family } = network;
      const axisOf = family.fields.map((field) =>
        field.values.length > 1 ? axes.indexOf(field.name) : -1,
      );
      return { family, map: familyEngineMap(family), axisOf };
    }),
    axes: axes.length,
    onlyFamilies: spec.networks.every((network) => network.kind === "family"),
  };
}

/**
 * Rows [start, start + count) of the grid, costed. The columns are the coster's own and hold
 * until its next call: a worker encodes a chunk before costing the next, and reusing ten
 * 64 K-row arrays a chunk spared the collector ~14% of a worker's time.
 */
export function costRows(coster: RowCoster, start: number, count: number): RowColumns {
  const columns = reusedRowColumns(coster.columns, start, count, coster.axes);
  coster.columns = columns;
  fillGridColumns(coster, columns);
  if (coster.model.engine !== undefined) costOnEngine(coster, columns, coster.model.engine);
  else costRowByRow(coster, columns);
  return columns;
}

/**
 * network, member, array, batch and the family axes of each row. A network's rows are one run
 * (filled, not stepped, for network and the axes); members step in mixed radix under arrays and
 * batches, batch fastest.
 */
function fillGridColumns(coster: RowCoster, columns: RowColumns): void {
  const { spec } = coster;
  let { network, member, array, batch } = gridPoint(spec, columns.start);
  const arrays = spec.arrays.length;
  const batches = spec.batches.length;
  for (let from = 0; from < columns.count; network++, member = 0, array = 0, batch = 0) {
    const left = (networkCount(spec.networks[network]) - member) * arrays * batches;
    const to = Math.min(columns.count, from + left - array * batches - batch);
    columns.network.fill(network, from, to);
    if (arrays * batches === 1) {
      // one row a member: the members count up, array and batch stay 0
      countUp(columns.member, member, from, to);
      columns.array.fill(0, from, to);
      columns.batch.fill(0, from, to);
    } else stepMembers(columns, { network, member, array, batch }, from, to, arrays, batches);
    const entry = coster.families[network];
    columns.axes.forEach((axis, a) => {
      const field = entry === undefined ? -1 : entry.axisOf.indexOf(a);
      if (entry === undefined || field < 0) axis.fill(Number.NaN, from, to);
      else fillFieldValues(entry.family, field, columns.member, from, to, axis, from);
    });
    from = to;
  }
}

// The loops below sit alone in their functions, with nothing after them: V8 (Node 20) compiles a
// long first call's loop on the stack without feedback for the code after it, then deoptimizes
// there at every later call (and compiles the function again).

/** into[i] = first + i − from for rows [from, to). */
function countUp(into: Float64Array, first: number, from: number, to: number): void {
  for (let i = from; i < to; i++) into[i] = first + i - from;
}

/** member, array and batch of rows [from, to) from `point` on, batch fastest. */
function stepMembers(
  columns: RowColumns,
  point: GridPoint,
  from: number,
  to: number,
  arrays: number,
  batches: number,
): void {
  let { member, array, batch } = point;
  for (let i = from; i < to; i++) {
    columns.member[i] = member;
    columns.array[i] = array;
    columns.batch[i] = batch;
    if (++batch < batches) continue;
    batch = 0;
    if (++array < arrays) continue;
    array = 0;
    member++;
  }
}

/** Calls `visit` for each run [from, to) of consecutive rows of one network. */
function forEachNetworkRun(
  columns: RowColumns,
  visit: (network: number, from: number, to: number) => void,
): void {
  for (let from = 0; from < columns.count; ) {
    const to = networkRunEnd(columns.network, from, columns.count);
    visit(columns.network[from], from, to);
    from = to;
  }
}

function networkRunEnd(network: Int32Array, from: number, count: number): number {
  let to = from + 1;
  while (to < count && network[to] === network[from]) to++;
  return to;
}

/**
 * Field `field`'s value of the members of rows [from, to), into `into` from `at` on. Members
 * of consecutive rows are equal or one apart, so the value's index is stepped, not divided out
 * (a division and a floating-point % a row were a tenth of a chunk's time); where they count up
 * by one (one array, one batch) a value holds for `stride` members, so runs are filled.
 */
function fillFieldValues(
  family: LayerFamily,
  field: number,
  member: Float64Array,
  from: number,
  to: number,
  into: Float64Array,
  at: number,
): void {
  const { values, stride } = family.fields[field];
  const length = values.length;
  if (member[to - 1] - member[from] === to - 1 - from) {
    fillCountingMembers(values, stride, member[from], into, at, at + to - from);
    return;
  }
  let current = Number.NaN;
  let index = 0;
  let remainder = 0;
  for (let i = from; i < to; i++) {
    const next = member[i];
    if (next !== current) {
      if (next === current + 1 && remainder + 1 < stride) remainder++;
      else if (next === current + 1) {
        remainder = 0;
        index = index + 1 === length ? 0 : index + 1;
      } else {
        const quotient = Math.floor(next / stride);
        index = quotient % length;
        remainder = next - quotient * stride;
      }
      current = next;
    }
    into[at + i - from] = values[index];
  }
}

/** fillFieldValues for members first, first + 1, …: each value holds for `stride` of them. */
function fillCountingMembers(
  values: number[],
  stride: number,
  first: number,
  into: Float64Array,
  at: number,
  end: number,
): void {
  const length = values.length;
  if (length === 1) {
    into.fill(values[0], at, end);
    return;
  }
  const quotient = Math.floor(first / stride);
  let index = quotient % length;
  if (stride === 1) {
    cycleThrough(values, index, into, at, end);
    return;
  }
  for (let i = at, run = stride - (first - quotient * stride); i < end; run = stride) {
    const next = Math.min(end, i + run);
    into.fill(values[index], i, next);
    if (++index === length) index = 0;
    i = next;
  }
}

/** values from `index` on, round and round, into into[at, end). */
function cycleThrough(
  values: number[],
  index: number,
  into: Float64Array,
  at: number,
  end: number,
): void {
  for (let i = at, next = index; i < end; i++) {
    into[i] = values[next];
    if (++next === values.length) next = 0;
  }
}

function costOnEngine(
  coster: RowCoster,
  columns: RowColumns,
  settings: NonNullable<CostModel["engine"]>,
): void {
  const engine = coster.context.engine();
  // families only: one engine row a grid row, no counts to keep
  let layerCounts: Int32Array | undefined;
  let engineRows = columns.count;
  if (!coster.onlyFamilies) {
    layerCounts = new Int32Array(columns.count);
    engineRows = 0;
    for (let i = 0; i < columns.count; i++) {
      layerCounts[i] = coster.families[columns.network[i]]
        ? 1
        : layersOf(coster, columns, i).length;
      engineRows += layerCounts[i];
    }
  }
  fillEngine(coster, columns, engine, engineRows);
  engine.evaluate(engineRows, { timing: settings.timing });
  reduceToRows(coster, columns, engine.reserve(engineRows), layerCounts, settings.smooth);
}

/**
 * Network totals from the engine's output columns: each row's layers are consecutive engine
 * rows. Totals as networkTotal: ΣMACs / (Σcycles · PEs), 1 for a network that costs nothing.
 */
function reduceToRows(
  coster: RowCoster,
  columns: RowColumns,
  out: EngineBatch,
  layerCounts: Int32Array | undefined,
  smooth: boolean,
): void {
  const pes = coster.spec.arrays.map((shape) => shape.rows * shape.cols);
  const { count, macs, cycles, util, smoothUtil } = columns;
  if (layerCounts === undefined) {
    // one engine row a grid row: the engine's columns are the totals, copied out first (a loop
    // reads typed arrays on WASM memory ~4× slower than the JS heap's)
    macs.set(out.macs.subarray(0, count));
    cycles.set((smooth ? out.smoothCycles : out.cycles).subarray(0, count));
    smoothUtil.set(out.smoothCycles.subarray(0, count));
  } else sumLayers(columns, out, layerCounts, smooth);
  toUtilizations(smoothUtil, macs, columns.array, pes, count);
  // the engine's util of one layer is ΣMACs / (Σcycles · PEs) of its exact cycles, in these very
  // operations
  if (smooth) util.set(smoothUtil);
  else if (layerCounts === undefined) util.set(out.util.subarray(0, count));
  else {
    util.set(cycles);
    toUtilizations(util, macs, columns.array, pes, count);
  }
}

/** Each row's ΣMACs and Σcycles (exact or smooth) over its layers; Σ smooth cycles into smoothUtil. */
function sumLayers(
  columns: RowColumns,
  out: EngineBatch,
  layerCounts: Int32Array,
  smooth: boolean,
): void {
  const { macs, cycles, smoothUtil } = columns;
  let layer = 0;
  for (let i = 0; i < columns.count; i++) {
    let rowMacs = 0;
    let exactCycles = 0;
    let smoothCycles = 0;
    for (let end = layer + layerCounts[i]; layer < end; layer++) {
      rowMacs += out.macs[layer];
      exactCycles += out.cycles[layer];
      smoothCycles += out.smoothCycles[layer];
    }
    macs[i] = rowMacs;
    cycles[i] = smooth ? smoothCycles : exactCycles;
    smoothUtil[i] = smoothCycles;
  }
}

/** cycles[i] → ΣMACs / (cycles · PEs) in place, 1 for a row that costs nothing (see countUp). */
function toUtilizations(
  cycles: Float64Array,
  macs: Float64Array,
  array: Int32Array,
  pes: number[],
  count: number,
): void {
  for (let i = 0; i < count; i++) {
    const rowCycles = cycles[i];
    cycles[i] = rowCycles > 0 ? macs[i] / (rowCycles * pes[array[i]]) : 1;
  }
}

/**
 * Every layer of every row into the engine's input columns: a family's run of rows column by
 * column (a constant field is one fill), a whole network's layers row by row.
 */
function fillEngine(
  coster: RowCoster,
  columns: RowColumns,
  engine: CostEngine,
  engineRows: number,
): void {
  const { spec } = coster;
  const batch = engine.reserve(engineRows);
  const inputs = [batch.k1, batch.k2, batch.c, batch.f, batch.h, batch.w];
  const arrayRows = spec.arrays.map((shape) => shape.rows);
  const arrayCols = spec.arrays.map((shape) => shape.cols);
  let row = 0;
  forEachNetworkRun(columns, (network, from, to) => {
    const entry = coster.families[network];
    if (entry !== undefined) {
      const end = row + to - from;
      batch.kind.fill(entry.map.kind, row, end);
      entry.map.sources.forEach((source, input) => {
        const axis = source < 0 ? -1 : entry.axisOf[source];
        if (source < 0) inputs[input].fill(-source, row, end);
        // a varying field's values are already in its axis column
        else if (axis >= 0) inputs[input].set(columns.axes[axis].subarray(from, to), row);
        else fillFieldValues(entry.family, source, columns.member, from, to, inputs[input], row);
      });
      if (arrayRows.length === 1 && spec.batches.length === 1) {
        batch.batch.fill(spec.batches[0], row, end);
        batch.arrayRows.fill(arrayRows[0], row, end);
        batch.arrayCols.fill(arrayCols[0], row, end);
        row = end;
        return;
      }
      for (let i = from; i < to; i++, row++) {
        batch.batch[row] = spec.batches[columns.batch[i]];
        batch.arrayRows[row] = arrayRows[columns.array[i]];
        batch.arrayCols[row] = arrayCols[columns.array[i]];
      }
      return;
    }
    for (let i = from; i < to; i++) {
      for (const layer of layersOf(coster, columns, i)) {
        writeLayerRow(batch, row, layer, arrayRows[columns.array[i]], arrayCols[columns.array[i]]);
        row++;
      }
    }
  });
}

function costRowByRow(coster: RowCoster, columns: RowColumns): void {
  const { model, context } = coster;
  for (let i = 0; i < columns.count; i++) {
    const hardware = coster.hardwareByArray[columns.array[i]];
    const estimates = model.estimate(layersOf(coster, columns, i), hardware, context);
    const array = { rows: hardware.arrayRows, cols: hardware.arrayCols };
    const total = networkTotal(estimates, array, hardware.clockHz);
    columns.macs[i] = total.macs;
    columns.cycles[i] = total.cycles;
    columns.util[i] = total.util;
    columns.smoothUtil[i] = smoothUtilOf(estimates, total.macs, array.rows * array.cols);
  }
}

/** Engine models seen through estimate() also give ΣMACs / (Σ smooth cycles · PEs); NaN otherwise. */
function smoothUtilOf(estimates: { macs: number }[], macs: number, pes: number): number {
  if (estimates.length === 0 || !("engine" in estimates[0])) return Number.NaN;
  let smoothCycles = 0;
  for (const estimate of estimates)
    smoothCycles += (estimate as EngineEstimate).engine.smoothCycles;
  return smoothCycles > 0 ? macs / (smoothCycles * pes) : 1;
}

const maxLoadedNetworks = 256;

/** The row's layers: cached per (network, batch) for whole networks, built for a family member. */
function layersOf(coster: RowCoster, columns: RowColumns, i: number): Layer[] {
  const { spec } = coster;
  const network = spec.networks[columns.network[i]];
  const batch = spec.batches[columns.batch[i]];
  if (network.kind === "family") return sweepRowLayers(network, columns.member[i], batch);
  const key = columns.network[i] * spec.batches.length + columns.batch[i];
  const cached = coster.loaded.get(key);
  if (cached !== undefined) return cached;
  const layers = sweepRowLayers(network, 0, batch);
  // a space's sweep has thousands of networks, each's rows consecutive: keep only the recent ones
  if (coster.loaded.size >= maxLoadedNetworks) coster.loaded.clear();
  coster.loaded.set(key, layers);
  return layers;
}
