/**
 * What `uboost proxy` studies: a latency table, sampled or measured, and what the study can use
 * beside it; and the tables of a published space (NAS-Bench-201 etc.), evaluated or read.
 */
import { fieldError, InputError } from "../errors.js";
import type { Device, LatencyColumns } from "../proxy/evaluate.js";
import { defaultEvolution, type EvolutionSettings, evolutionSearch } from "../proxy/evolution.js";
import type { MeasuredLatencies } from "../proxy/latenciesFile.js";
import type { ProxyPick } from "../proxy/oneProxy.js";
import { type SpaceRows, spaceLatencies, spaceRows } from "../proxy/spaceLatencies.js";
import {
  type ArchSpace,
  archAt,
  enumerateArchs,
  oneHotFeatures,
  type SpaceInput,
  sampleArchs,
  tableOf,
} from "../spaces/space.js";

export interface LatencyTable {
  devices: string[];
  columns: LatencyColumns;
  /** "systolic" etc., or null for measured latencies */
  model: string | null;
  idOf: (index: number) => string;
  score?: { name: string; values: ArrayLike<number> };
  features?: () => Float32Array[];
  featureKind: "architecture" | "proxy latency";
  /** the rows as architectures of a published space */
  space?: SpaceRows;
}

/** Every architecture of an exhaustive space, `samples` seeded draws of another. */
export function publishedSpaceTable(
  space: ArchSpace,
  input: SpaceInput,
  options: { samples?: number; seed: number; batch: number; devices: Device[]; model: string },
): LatencyTable {
  if (space.exhaustive && options.samples !== undefined) {
    throw new InputError(`--samples: ${space.name} is evaluated whole, every architecture`);
  }
  const table = space.exhaustive
    ? enumerateArchs(space)
    : sampleArchs(space, options.samples ?? 1000, options.seed);
  const rows = spaceRows(space, table, input, options.batch);
  return {
    devices: options.devices.map((device) => device.label),
    columns: spaceLatencies(rows.distinct, options.devices, options.model),
    model: options.model,
    idOf: (index) => space.print(archAt(table, index)),
    score: { name: "log-params", values: rows.params.map(Math.log) },
    features: () => oneHotFeatures(space, table),
    featureKind: "architecture",
    space: rows,
  };
}

/**
 * Measured latencies keyed by the space's architecture strings: every row must parse, and gets
 * the space's features and, without a score column, its log-params.
 */
export function publishedSpaceMeasured(
  space: ArchSpace,
  input: SpaceInput,
  measured: MeasuredLatencies,
  file: string,
  idColumn: string,
): LatencyTable {
  const archs = measured.ids.map((id, i) => {
    try {
      return space.parse(id);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw fieldError(
        `${file} row ${i + 1}`,
        idColumn,
        `not a ${space.name} architecture: ${error.message}`,
      );
    }
  });
  const table = tableOf(space, archs);
  const rows = spaceRows(space, table, input, 1);
  const score = measured.score ?? { column: "log-params", values: rows.params.map(Math.log) };
  return {
    devices: measured.devices,
    columns: measured.columns,
    model: null,
    idOf: (index) => measured.ids[index],
    score: { name: score.column, values: score.values },
    features: () => oneHotFeatures(space, table),
    featureKind: "architecture",
    space: rows,
  };
}

/** Regularized evolution over the table's rows, scored by its score column. */
export function evolutionPick(
  table: LatencyTable,
  proxy: number,
  settings: Partial<EvolutionSettings> & { seed: number },
): ProxyPick {
  if (table.space === undefined) {
    throw new InputError(
      "--search evolution: needs --space nasbench201 (or another published space)",
    );
  }
  if (table.score === undefined) throw new InputError("--search evolution: needs a score column");
  const { space, table: archs } = table.space;
  return evolutionSearch(space, archs, table.columns[proxy], table.score.values, {
    ...defaultEvolution,
    ...settings,
  });
}

export interface Extreme {
  arch: string;
  ms: number;
}

/** What the table covers of a published space, and its fastest and slowest row per device. */
export function spaceSummary(table: LatencyTable) {
  if (table.space === undefined) return undefined;
  const { space, input, macs, params } = table.space;
  const at = (index: number, latencies: Float64Array): Extreme => ({
    arch: table.idOf(index),
    ms: latencies[index],
  });
  return {
    space: space.name,
    dataset: input.name,
    architectures: table.columns[0].length,
    macs: { min: Math.min(...macs), max: Math.max(...macs) },
    params: { min: Math.min(...params), max: Math.max(...params) },
    extremes: table.columns.map((latencies, d) => ({
      device: table.devices[d],
      fastest: at(argExtreme(latencies, -1), latencies),
      slowest: at(argExtreme(latencies, 1), latencies),
    })),
  };
}

/** The first index of the largest (sign 1) or smallest (sign −1) value. */
function argExtreme(values: Float64Array, sign: 1 | -1): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (sign * (values[i] - values[best]) > 0) best = i;
  return best;
}
