/**
 * Costs a run of consecutive grid rows into columns. Under the engine's models every layer of
 * every row goes into one struct-of-arrays engine batch, one evaluate() call costs them all, and
 * network totals are reductions over the output columns: no object per row or per layer. Other
 * models (the simulator, roofline, ...) cost row by row through CostModel.estimate.
 */
import type { CostEngine } from "../engine/engine.js";
import { networkTotal } from "../engine/network.js";
import type { CostModel, EngineEstimate, ModelContext } from "../hw/costModel.js";
import type { SimConfig } from "../hw/simulator/config.js";
import { engineKindOf, type Layer } from "../layers/layer.js";
import { emptyRowColumns, type RowColumns, sweepAxes } from "./columns.js";
import { type FamilyEngineMap, familyEngineMap, fieldValue, type LayerFamily } from "./family.js";
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
  };
}

/** Rows [start, start + count) of the grid, costed. */
export function costRows(coster: RowCoster, start: number, count: number): RowColumns {
  const columns = emptyRowColumns(start, count, coster.axes);
  fillGridColumns(coster, columns);
  if (coster.model.engine !== undefined) costOnEngine(coster, columns, coster.model.engine);
  else costRowByRow(coster, columns);
  return columns;
}

/** network, member, array, batch and the family axes of each row, by stepping the mixed radix. */
function fillGridColumns(coster: RowCoster, columns: RowColumns): void {
  const { spec } = coster;
  const point: GridPoint = gridPoint(spec, columns.start);
  for (let i = 0; i < columns.count; i++) {
    columns.network[i] = point.network;
    columns.member[i] = point.member;
    columns.array[i] = point.array;
    columns.batch[i] = point.batch;
    stepPoint(spec, point);
  }
  for (const axis of columns.axes) axis.fill(Number.NaN);
  coster.families.forEach((entry, network) => {
    if (entry === undefined) return;
    entry.axisOf.forEach((axis, field) => {
      if (axis < 0) return;
      const into = columns.axes[axis];
      for (let i = 0; i < columns.count; i++) {
        if (columns.network[i] === network)
          into[i] = fieldValue(entry.family, field, columns.member[i]);
      }
    });
  });
}

/** The next grid row: batch fastest, then array, then member, then network. */
function stepPoint(spec: SweepSpec, point: GridPoint): void {
  if (++point.batch < spec.batches.length) return;
  point.batch = 0;
  if (++point.array < spec.arrays.length) return;
  point.array = 0;
  if (++point.member < networkCount(spec.networks[point.network])) return;
  point.member = 0;
  point.network++;
}

function costOnEngine(
  coster: RowCoster,
  columns: RowColumns,
  settings: NonNullable<CostModel["engine"]>,
): void {
  const { spec } = coster;
  const engine = coster.context.engine();
  const layerCounts = new Int32Array(columns.count);
  let engineRows = 0;
  for (let i = 0; i < columns.count; i++) {
    layerCounts[i] = coster.families[columns.network[i]] ? 1 : layersOf(coster, columns, i).length;
    engineRows += layerCounts[i];
  }
  fillEngine(coster, columns, engine, engineRows);
  engine.evaluate(engineRows, { timing: settings.timing });
  const out = engine.reserve(engineRows);
  const { macs, cycles, util, smoothUtil } = columns;
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
    const shape = spec.arrays[columns.array[i]];
    const pes = shape.rows * shape.cols;
    const rowCycles = settings.smooth ? smoothCycles : exactCycles;
    macs[i] = rowMacs;
    cycles[i] = rowCycles;
    // as networkTotal: ΣMACs / (Σcycles · PEs), 1 for a network that costs nothing
    util[i] = rowCycles > 0 ? rowMacs / (rowCycles * pes) : 1;
    smoothUtil[i] = smoothCycles > 0 ? rowMacs / (smoothCycles * pes) : 1;
  }
}

/** Every layer of every row into the engine's input columns. */
function fillEngine(
  coster: RowCoster,
  columns: RowColumns,
  engine: CostEngine,
  engineRows: number,
): void {
  const { spec } = coster;
  const batch = engine.reserve(engineRows);
  const { kind, k1, k2, c, f, h, w, arrayRows, arrayCols } = batch;
  const source = [k1, k2, c, f, h, w];
  let row = 0;
  for (let i = 0; i < columns.count; i++) {
    const shape = spec.arrays[columns.array[i]];
    const batchSize = spec.batches[columns.batch[i]];
    const network = columns.network[i];
    const entry = coster.families[network];
    if (entry !== undefined) {
      const member = columns.member[i];
      kind[row] = entry.map.kind;
      for (let input = 0; input < 6; input++) {
        const from = entry.map.sources[input];
        source[input][row] = from >= 0 ? fieldValue(entry.family, from, member) : -from;
      }
      batch.batch[row] = batchSize;
      arrayRows[row] = shape.rows;
      arrayCols[row] = shape.cols;
      row++;
      continue;
    }
    for (const layer of layersOf(coster, columns, i)) {
      kind[row] = engineKindOf[layer.type];
      k1[row] = layer.k1;
      k2[row] = layer.k2;
      c[row] = layer.c;
      f[row] = layer.f;
      h[row] = layer.h;
      w[row] = layer.w;
      batch.batch[row] = layer.batch;
      arrayRows[row] = shape.rows;
      arrayCols[row] = shape.cols;
      row++;
    }
  }
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
  coster.loaded.set(key, layers);
  return layers;
}
