/**
 * Latency, MACs and parameters of every architecture of a published space. Every cost model
 * prices a layer on its own (estimate maps layers one by one) and a network's cycles are the sum
 * of its layers', so each distinct layer is priced once per device in one engine batch and each
 * architecture sums its layers' cycles: all 15,625 NAS-Bench-201 cells hold a few dozen distinct
 * layers, where laying them out one by one would cost the engine millions of rows.
 */
import type { ModelContext } from "../hw/costModel.js";
import { modelContext } from "../hw/models/index.js";
import type { Layer } from "../layers/layer.js";
import { macsOf } from "../layers/macs.js";
import { layerParameters } from "../layers/weights.js";
import { type ArchSpace, type ArchTable, archAt, type SpaceInput } from "../spaces/space.js";
import { checkDeviceModel, type Device, type LatencyColumns } from "./evaluate.js";

/** Architecture i's layers are `layers[ids[k]]` for k in [offsets[i], offsets[i + 1]). */
export interface DistinctLayers {
  layers: Layer[];
  offsets: Int32Array;
  ids: Int32Array;
}

/** What makes two layers cost the same; the name does not. */
function layerKey(layer: Layer): string {
  const { type, k1, k2, c, f, h, w, stride, dilation, batch } = layer;
  return `${type} ${k1} ${k2} ${c} ${f} ${h} ${w} ${stride} ${dilation} ${batch}`;
}

export function distinctLayers(
  space: ArchSpace,
  table: ArchTable,
  input: SpaceInput,
  batch: number,
): DistinctLayers {
  const index = new Map<string, number>();
  const layers: Layer[] = [];
  const offsets = new Int32Array(table.count + 1);
  const ids: number[] = [];
  for (let i = 0; i < table.count; i++) {
    for (const layer of space.layersOf(archAt(table, i), input, batch)) {
      const key = layerKey(layer);
      let id = index.get(key);
      if (id === undefined) {
        id = layers.length;
        index.set(key, id);
        layers.push(layer);
      }
      ids.push(id);
    }
    offsets[i + 1] = ids.length;
  }
  return { layers, offsets, ids: Int32Array.from(ids) };
}

/** Per architecture, the sum of a per-distinct-layer value over its layers. */
export function sumOverLayers(distinct: DistinctLayers, perLayer: ArrayLike<number>): Float64Array {
  const count = distinct.offsets.length - 1;
  const sums = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let k = distinct.offsets[i]; k < distinct.offsets[i + 1]; k++) {
      sum += perLayer[distinct.ids[k]];
    }
    sums[i] = sum;
  }
  return sums;
}

export function spaceLatencies(
  distinct: DistinctLayers,
  devices: Device[],
  model: string,
  context: ModelContext = modelContext(),
): LatencyColumns {
  const costModel = checkDeviceModel(model, devices);
  return devices.map(({ config }) => {
    const estimates = costModel.estimate(distinct.layers, config, context);
    const cycles = sumOverLayers(
      distinct,
      estimates.map((estimate) => estimate.cycles),
    );
    return cycles.map((total) => (total / config.clockHz) * 1e3);
  });
}

export function spaceMacs(distinct: DistinctLayers): Float64Array {
  return sumOverLayers(distinct, distinct.layers.map(macsOf));
}

export function spaceParameters(distinct: DistinctLayers): Float64Array {
  return sumOverLayers(distinct, distinct.layers.map(layerParameters));
}

/** Architectures of a published space with what the study reads of them besides latency. */
export interface SpaceRows {
  space: ArchSpace;
  input: SpaceInput;
  table: ArchTable;
  distinct: DistinctLayers;
  macs: Float64Array;
  params: Float64Array;
}

export function spaceRows(
  space: ArchSpace,
  table: ArchTable,
  input: SpaceInput,
  batch: number,
): SpaceRows {
  const distinct = distinctLayers(space, table, input, batch);
  return {
    space,
    input,
    table,
    distinct,
    macs: spaceMacs(distinct),
    params: spaceParameters(distinct),
  };
}
