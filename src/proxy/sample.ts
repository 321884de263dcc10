/**
 * Random architectures of a search space, as struct-of-arrays integer tables that cross to the
 * workers as they are: an op index per edge and an output-channel count per width slot.
 */
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { Layer } from "../layers/layer.js";
import { layerWeights } from "../layers/weights.js";
import { channelLayout } from "../model/layout.js";
import {
  convLayers,
  type NetworkPlan,
  type NetworkShape,
  planLayers,
  planNetwork,
} from "../model/plan.js";
import { hasWeights, opNames, type SearchSpace } from "../model/space.js";
import { standardizedLogs } from "./statistics.js";

/** Output channels a slot may take: min, min + step, …, up to max. */
export interface ChannelRange {
  min: number;
  max: number;
  step: number;
}

/** CIFAR-10's final network as the authors build it: 9 cells, 32×32 input, 10 classes. */
export const cifarShape: NetworkShape = {
  layout: channelLayout,
  resolution: 32,
  inChannels: 3,
  stemChannels: 128,
  classes: 10,
};
export const defaultChannels: ChannelRange = { min: 64, max: 280, step: 8 };

/** What to sample from and how to lay each architecture out. Plain data: workers receive it. */
export interface SampleSpace {
  space: SearchSpace;
  shape: NetworkShape;
  channels: ChannelRange;
  batch: number;
}

/**
 * `count` architectures: row i's op on edge e is `opNames(space)[ops[i·edges + e]]` (every cell
 * shares the searched cell), its width in slot s is `channels[i·slots.length + s]`.
 */
export interface Architectures {
  count: number;
  edges: number;
  slots: string[];
  ops: Int32Array;
  channels: Int32Array;
}

/**
 * Every width slot an architecture of the space can use, in plan order. Laid out with a weighted
 * op on every edge so edge slots exist even where a sampled architecture leaves them unused.
 */
export function slotsOf(space: SearchSpace, shape: NetworkShape): string[] {
  const weighted = opNames(space).find((name) => hasWeights(space.ops[name])) ?? opNames(space)[0];
  const plan = planNetwork(
    space,
    shape,
    space.edges.map(() => weighted),
  );
  return convLayers(plan).map((layer) => layer.slot);
}

/**
 * Seeded, so the same seed gives the same architectures on any machine and worker count.
 * Architectures with a dead node (no live incoming edge) are drawn again: their layers would read
 * zero channels, which no real network has.
 */
export function sampleArchitectures(
  sample: SampleSpace,
  count: number,
  seed: number,
): Architectures {
  const { space, shape, channels: range } = sample;
  const rng = xoroshiro128plus(seed);
  const names = opNames(space);
  const edges = space.edges.length;
  const slots = slotsOf(space, shape);
  const ops = new Int32Array(count * edges);
  const channels = new Int32Array(count * slots.length);
  const widths = Math.floor((range.max - range.min) / range.step);
  for (let i = 0; i < count; i++) {
    let edgeOps: string[];
    do {
      edgeOps = space.edges.map(() => names[uniformInt(rng, 0, names.length - 1)]);
    } while (hasDeadNode(space, shape, edgeOps));
    edgeOps.forEach((name, e) => {
      ops[i * edges + e] = names.indexOf(name);
    });
    for (let s = 0; s < slots.length; s++) {
      channels[i * slots.length + s] = range.min + range.step * uniformInt(rng, 0, widths);
    }
  }
  return { count, edges, slots, ops, channels };
}

function hasDeadNode(space: SearchSpace, shape: NetworkShape, edgeOps: string[]): boolean {
  const [cell] = planNetwork(space, { ...shape, layout: [false] }, edgeOps).cells;
  return Object.values(cell.nodeWidths).some((width) => width.length === 0);
}

export function edgeOpsOf(space: SearchSpace, archs: Architectures, index: number): string[] {
  const names = opNames(space);
  return Array.from(
    archs.ops.subarray(index * archs.edges, (index + 1) * archs.edges),
    (op) => names[op],
  );
}

export function channelsOf(archs: Architectures, index: number): Record<string, number> {
  const width = archs.slots.length;
  return Object.fromEntries(
    archs.slots.map((slot, s) => [slot, archs.channels[index * width + s]]),
  );
}

export function architecturePlan(
  sample: SampleSpace,
  archs: Architectures,
  index: number,
): NetworkPlan {
  return planNetwork(sample.space, sample.shape, edgeOpsOf(sample.space, archs, index));
}

export function architectureLayers(
  sample: SampleSpace,
  archs: Architectures,
  index: number,
): Layer[] {
  const plan = architecturePlan(sample, archs, index);
  return planLayers(plan, channelsOf(archs, index), sample.batch);
}

/**
 * The training-free score one-proxy ranks by when no accuracy is given: log of the weight count.
 * A stand-in for accuracy (bigger networks tend to fit CIFAR better), not a claim about it.
 */
export function logParams(sample: SampleSpace, archs: Architectures): Float64Array {
  const scores = new Float64Array(archs.count);
  for (let i = 0; i < archs.count; i++) {
    const weights = architectureLayers(sample, archs, i).reduce(
      (sum, l) => sum + layerWeights(l),
      0,
    );
    scores[i] = Math.log(weights);
  }
  return scores;
}

/**
 * Bytes a sampled study holds per architecture: its ops and widths (Int32), per device a latency,
 * its rank and a sort index (8 bytes each), and with AdaProxy the feature row twice (the JS rows
 * and the tfjs tensor) plus the row object. Measured RSS grows by less (about 700 bytes a sample
 * with AdaProxy on the default space), so this errs on the safe side.
 */
export function studyBytesPerSample(
  sample: SampleSpace,
  devices: number,
  adaProxy: boolean,
): number {
  const edges = sample.space.edges.length;
  const slots = slotsOf(sample.space, sample.shape).length;
  const features = edges * opNames(sample.space).length + slots;
  return 4 * (edges + slots) + 24 * devices + (adaProxy ? 8 * features + 96 : 0);
}

/**
 * The predictor's input: a one-hot op per edge, then each slot's width over the range's max (0
 * where the architecture leaves the slot unused, so an unused slot never looks like a thin one).
 */
export function architectureFeatures(sample: SampleSpace, archs: Architectures): Float32Array[] {
  const opCount = opNames(sample.space).length;
  const rows: Float32Array[] = [];
  for (let i = 0; i < archs.count; i++) {
    const row = new Float32Array(archs.edges * opCount + archs.slots.length);
    for (let e = 0; e < archs.edges; e++) row[e * opCount + archs.ops[i * archs.edges + e]] = 1;
    const used = usedSlots(architecturePlan(sample, archs, i));
    archs.slots.forEach((slot, s) => {
      if (used.has(slot)) {
        row[archs.edges * opCount + s] =
          archs.channels[i * archs.slots.length + s] / sample.channels.max;
      }
    });
    rows.push(row);
  }
  return rows;
}

/**
 * Features for architectures known only by an opaque id: the proxy's standardized log latency.
 * The predictor then starts as the proxy itself and can only learn a re-ranking of it.
 */
export function proxyLatencyFeatures(proxyMs: ArrayLike<number>): Float32Array[] {
  return Array.from(standardizedLogs(proxyMs).scores, (score) => Float32Array.of(score));
}

function usedSlots(plan: NetworkPlan): Set<string> {
  return new Set(convLayers(plan).map((layer) => layer.slot));
}

/**
 * An architecture as one CSV-safe id: ops joined by "/", then ":", then the slot widths joined by
 * "/" (e.g. "conv3x3/zero/…:64/72/…"). A latencies file whose ids decode gets AdaProxy features.
 */
export function architectureId(space: SearchSpace, archs: Architectures, index: number): string {
  const width = archs.slots.length;
  const channels = archs.channels.subarray(index * width, (index + 1) * width);
  return `${edgeOpsOf(space, archs, index).join("/")}:${Array.from(channels).join("/")}`;
}

/** The inverse of architectureId for a list of ids; undefined if any id does not fit the space. */
export function decodeArchitectures(sample: SampleSpace, ids: string[]): Architectures | undefined {
  const names = opNames(sample.space);
  const edges = sample.space.edges.length;
  const slots = slotsOf(sample.space, sample.shape);
  const ops = new Int32Array(ids.length * edges);
  const channels = new Int32Array(ids.length * slots.length);
  for (const [i, id] of ids.entries()) {
    const [opPart, channelPart, ...rest] = id.split(":");
    const edgeOps = opPart.split("/").map((name) => names.indexOf(name));
    const widths = (channelPart ?? "").split("/").map(Number);
    if (rest.length > 0 || edgeOps.length !== edges || edgeOps.some((op) => op < 0))
      return undefined;
    if (widths.length !== slots.length || widths.some((c) => !Number.isSafeInteger(c) || c < 1)) {
      return undefined;
    }
    ops.set(edgeOps, i * edges);
    channels.set(widths, i * slots.length);
  }
  return { count: ids.length, edges, slots, ops, channels };
}
