/**
 * `uboost bench spaces`: how long `uboost proxy --space NAME` takes to price a published space,
 * and what pricing each distinct layer once buys over pricing every architecture's own layer list
 * (the same cost model, the same devices, one run, so a busy machine slows both alike). The
 * direct path prices a seeded sample of `directSample` architectures and is scaled to the table.
 */

import { costModelByName, modelContext } from "../src/hw/models/index.js";
import { defaultSimConfig } from "../src/hw/simulator/config.js";
import type { Device } from "../src/proxy/evaluate.js";
import { spaceLatencies, spaceRows } from "../src/proxy/spaceLatencies.js";
import { spaceByName } from "../src/spaces/index.js";
import { archAt, enumerateArchs, sampleArchs, spaceInput } from "../src/spaces/space.js";

export interface SpacesBenchOptions {
  space: string;
  /** architectures of a sampled space (an exhaustive one is priced whole) */
  samples: number;
  /** architectures the direct path prices */
  directSample: number;
  model?: string;
}

export interface SpacesBenchResult {
  space: string;
  architectures: number;
  devices: number;
  model: string;
  distinctLayers: number;
  layerReferences: number;
  /** laying every architecture out and finding its distinct layers */
  layoutSeconds: number;
  /** pricing the distinct layers on every device and summing per architecture */
  pricingSeconds: number;
  /** the whole table: layout + pricing */
  seconds: number;
  /** architectures × devices per second, each path */
  distinctPerSec: number;
  directPerSec: number;
  /** distinctPerSec / directPerSec */
  speedup: number;
}

const sides = [32, 64, 128, 256];

export function benchDevices(): Device[] {
  const devices = sides.map((side) => ({ rows: side, cols: side }));
  devices.push({ rows: 128, cols: 64 });
  return devices.map(({ rows, cols }) => ({
    label: `${rows}x${cols}`,
    config: { ...defaultSimConfig, arrayRows: rows, arrayCols: cols },
  }));
}

export function benchSpaces(options: SpacesBenchOptions): SpacesBenchResult {
  const model = options.model ?? "systolic";
  const space = spaceByName(options.space);
  const input = spaceInput(space, undefined);
  const table = space.exhaustive ? enumerateArchs(space) : sampleArchs(space, options.samples, 1);
  const devices = benchDevices();
  const start = performance.now();
  const rows = spaceRows(space, table, input, 1);
  const laidOut = performance.now();
  spaceLatencies(rows.distinct, devices, model);
  const priced = performance.now();

  const costModel = costModelByName(model);
  const context = modelContext();
  const direct = Math.min(options.directSample, table.count);
  const directStart = performance.now();
  for (let i = 0; i < direct; i++) {
    const layers = space.layersOf(archAt(table, i), input, 1);
    for (const device of devices) costModel.estimate(layers, device.config, context);
  }
  const directSeconds = (performance.now() - directStart) / 1e3;

  const seconds = (priced - start) / 1e3;
  const distinctPerSec = (table.count * devices.length) / seconds;
  const directPerSec = (direct * devices.length) / directSeconds;
  return {
    space: space.name,
    architectures: table.count,
    devices: devices.length,
    model,
    distinctLayers: rows.distinct.layers.length,
    layerReferences: rows.distinct.ids.length,
    layoutSeconds: (laidOut - start) / 1e3,
    pricingSeconds: (priced - laidOut) / 1e3,
    seconds,
    distinctPerSec,
    directPerSec,
    speedup: distinctPerSec / directPerSec,
  };
}
