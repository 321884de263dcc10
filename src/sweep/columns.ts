/**
 * A chunk of sweep rows as columns (typed arrays, no row objects): what a worker costs, what the
 * summary totals, and what every output format writes from. The file columns, in order:
 *
 *   row, network, array, rows, cols, batch, model, <family axes>, macs, cycles, runtimeMs, util, smoothUtil
 *
 * A family's rows name the family (its spec) in `network` and give each field it varies in a
 * column of that field's name (c, f, k, ...), empty for rows of other networks.
 */
import { costModelByName } from "../hw/models/index.js";
import { varyingFields } from "./family.js";
import type { SweepSpec } from "./grid.js";

export interface RowColumns {
  /** grid index of the first row; the rows are consecutive */
  start: number;
  count: number;
  /** index into spec.networks */
  network: Int32Array;
  /** family member (0 for whole networks) */
  member: Float64Array;
  /** index into spec.arrays */
  array: Int32Array;
  /** index into spec.batches */
  batch: Int32Array;
  /** one column per sweep axis (sweepAxes), NaN where the row's network has no such field */
  axes: Float64Array[];
  macs: Float64Array;
  cycles: Float64Array;
  util: Float64Array;
  /** NaN for models without a smooth relaxation */
  smoothUtil: Float64Array;
}

export function emptyRowColumns(start: number, count: number, axes: number): RowColumns {
  return {
    start,
    count,
    network: new Int32Array(count),
    member: new Float64Array(count),
    array: new Int32Array(count),
    batch: new Int32Array(count),
    axes: Array.from({ length: axes }, () => new Float64Array(count)),
    macs: new Float64Array(count),
    cycles: new Float64Array(count),
    util: new Float64Array(count),
    smoothUtil: new Float64Array(count),
  };
}

/**
 * Columns for `count` rows from `start`, in the buffers of `previous` when they are long enough
 * (views of exactly `count` rows, as the writers take a column's length as the row count).
 */
export function reusedRowColumns(
  previous: RowColumns | undefined,
  start: number,
  count: number,
  axes: number,
): RowColumns {
  const capacity = previous?.network.buffer.byteLength ?? 0;
  const buffers = capacity >= 4 * count ? previous : emptyRowColumns(start, count, axes);
  const { network, member, array, batch, macs, cycles, util, smoothUtil } = buffers as RowColumns;
  return {
    start,
    count,
    network: new Int32Array(network.buffer, 0, count),
    member: new Float64Array(member.buffer, 0, count),
    array: new Int32Array(array.buffer, 0, count),
    batch: new Int32Array(batch.buffer, 0, count),
    axes: (buffers as RowColumns).axes.map((axis) => new Float64Array(axis.buffer, 0, count)),
    macs: new Float64Array(macs.buffer, 0, count),
    cycles: new Float64Array(cycles.buffer, 0, count),
    util: new Float64Array(util.buffer, 0, count),
    smoothUtil: new Float64Array(smoothUtil.buffer, 0, count),
  };
}

/** The fields any family of the sweep varies, in order of first appearance. */
export function sweepAxes(spec: SweepSpec): string[] {
  const axes: string[] = [];
  for (const network of spec.networks) {
    if (network.kind !== "family") continue;
    for (const field of varyingFields(network.family)) {
      if (!axes.includes(field.name)) axes.push(field.name);
    }
  }
  return axes;
}

export type ColumnType = "int64" | "double" | "string";

export interface FileColumn {
  name: string;
  type: ColumnType;
  /** may be empty (null) */
  nullable: boolean;
}

/** The columns of this sweep's files; cycles are int64 for models that count whole cycles. */
export function fileColumns(spec: SweepSpec): FileColumn[] {
  const column = (name: string, type: ColumnType, nullable = false) => ({ name, type, nullable });
  const cyclesType = costModelByName(spec.model).integerCycles ? "int64" : "double";
  return [
    column("row", "int64"),
    column("network", "string"),
    column("array", "string"),
    column("rows", "int64"),
    column("cols", "int64"),
    column("batch", "int64"),
    column("model", "string"),
    ...sweepAxes(spec).map((axis) => column(axis, "int64", true)),
    column("macs", "int64"),
    column("cycles", cyclesType),
    column("runtimeMs", "double"),
    column("util", "double"),
    column("smoothUtil", "double", true),
  ];
}
