/**
 * Utilization over a family's axes, for --plot: a curve over one varying field (the paper's
 * Fig. 4) or a heatmap over two (input × output channels). Members are sampled on a lattice so a
 * family of any length keeps at most maxCurvePoints points per axis, array and batch.
 */
import { fieldValue, type LayerFamily, varyingFields } from "./family.js";
import { type GridPoint, type SweepSpec, summaryCell } from "./grid.js";

/** Points per axis: every sawtooth tooth of 8..512 on a 128-wide array for a curve; a heatmap's cells stay visible. */
export const maxCurvePoints = [1000, 256];

export interface CurvePoint {
  /** the family's varying fields' values (one for a curve, two for a heatmap) */
  values: number[];
  util: number;
  /** the smooth relaxation's utilization, for the engine's models */
  smoothUtil: number | null;
}

export interface FamilyCurve {
  family: string;
  /** the varying fields (c, f, ...) */
  fields: string[];
  array: string;
  batch: number;
  points: CurvePoint[];
}

/** Points by summary cell (family × array × batch). */
export type CurvePoints = Map<number, CurvePoint[]>;

/** Families of one or two varying fields can be drawn. */
export function isPlottable(family: LayerFamily): boolean {
  const axes = varyingFields(family).length;
  return axes >= 1 && axes <= maxCurvePoints.length;
}

/** (network, member) → whether the member is a plot sample: on every axis, every k-th value. */
export function curveSampler(spec: SweepSpec): (network: number, member: number) => boolean {
  const strides = spec.networks.map((network) => {
    if (network.kind !== "family" || !isPlottable(network.family)) return undefined;
    const axes = varyingFields(network.family);
    const limit = maxCurvePoints[axes.length - 1];
    return axes.map((field) => ({ field, every: Math.ceil(field.values.length / limit) }));
  });
  return (network, member) => {
    const axes = strides[network];
    if (axes === undefined) return false;
    for (const { field, every } of axes) {
      const digit = Math.floor(member / field.stride) % field.values.length;
      if (digit % every !== 0) return false;
    }
    return true;
  };
}

export function addCurvePoint(
  samples: CurvePoints,
  spec: SweepSpec,
  point: GridPoint,
  util: number,
  smoothUtil: number | null,
): void {
  const network = spec.networks[point.network];
  if (network.kind !== "family") return;
  const { family } = network;
  const values = family.fields
    .map((field, i) => (field.values.length > 1 ? fieldValue(family, i, point.member) : Number.NaN))
    .filter((value) => !Number.isNaN(value));
  const cell = summaryCell(spec, point);
  const points = samples.get(cell) ?? [];
  if (points.length === 0) samples.set(cell, points);
  points.push({ values, util, smoothUtil });
}

/** Curves in grid order, points by increasing values (chunks finish in any order). */
export function familyCurves(spec: SweepSpec, samples: CurvePoints): FamilyCurve[] {
  const curves: FamilyCurve[] = [];
  spec.networks.forEach((network, networkIndex) => {
    if (network.kind !== "family") return;
    spec.arrays.forEach((shape, array) => {
      spec.batches.forEach((batch, batchIndex) => {
        const point = { network: networkIndex, member: 0, array, batch: batchIndex };
        const points = samples.get(summaryCell(spec, point));
        if (points === undefined) return;
        curves.push({
          family: network.family.label,
          fields: varyingFields(network.family).map((field) => field.name),
          array: `${shape.rows}x${shape.cols}`,
          batch,
          points: [...points].sort(
            (a, b) => a.values[0] - b.values[0] || (a.values[1] ?? 0) - (b.values[1] ?? 0),
          ),
        });
      });
    });
  });
  return curves;
}
