/**
 * Utilization-vs-channels curves of the families in a sweep (the paper's Fig. 4), sampled so a
 * family of any length keeps at most maxCurvePoints points per array and batch.
 */
import { familyField, familyValue } from "./family.js";
import { type GridPoint, type SweepNetwork, type SweepSpec, summaryCell } from "./grid.js";

/** Enough to draw every sawtooth tooth of 8..512 on a 128-wide array, and no more. */
export const maxCurvePoints = 1000;

export interface CurvePoint {
  /** the family's swept field (e.g. f) */
  value: number;
  util: number;
  /** the smooth relaxation's utilization, for the engine's models */
  smoothUtil: number | null;
}

export interface FamilyCurve {
  family: string;
  field: string;
  array: string;
  batch: number;
  points: CurvePoint[];
}

/** Points by summary cell (family × array × batch). */
export type CurveSamples = Map<number, CurvePoint[]>;

/** Every member of a short family, every k-th of a long one. */
export function isCurveSample(network: SweepNetwork, member: number): boolean {
  if (network.kind !== "family") return false;
  return member % Math.ceil(network.family.count / maxCurvePoints) === 0;
}

export function addCurvePoint(
  samples: CurveSamples,
  spec: SweepSpec,
  point: GridPoint,
  util: number,
  smoothUtil: number | null,
): void {
  const network = spec.networks[point.network];
  if (network.kind !== "family") return;
  const cell = summaryCell(spec, point);
  const points = samples.get(cell) ?? [];
  if (points.length === 0) samples.set(cell, points);
  points.push({ value: familyValue(network.family, point.member), util, smoothUtil });
}

/** Curves in grid order, points by increasing value (chunks finish in any order). */
export function familyCurves(spec: SweepSpec, samples: CurveSamples): FamilyCurve[] {
  const curves: FamilyCurve[] = [];
  spec.networks.forEach((network, networkIndex) => {
    if (network.kind !== "family") return;
    spec.arrays.forEach((shape, array) => {
      spec.batches.forEach((batch, batchIndex) => {
        const cell = summaryCell(spec, {
          network: networkIndex,
          member: 0,
          array,
          batch: batchIndex,
        });
        const points = samples.get(cell);
        if (points === undefined) return;
        curves.push({
          family: network.family.label,
          field: familyField(network.family),
          array: `${shape.rows}x${shape.cols}`,
          batch,
          points: [...points].sort((a, b) => a.value - b.value),
        });
      });
    });
  });
  return curves;
}
