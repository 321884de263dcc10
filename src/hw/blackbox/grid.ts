/**
 * The measurements a blackbox table holds, addressed by one index so a worker can rebuild any of
 * them from the grid alone: sections (type, kernel) one after another, each in the table's
 * cycle order (output size, batch, c, f).
 */
import type { Layer } from "../../layers/layer.js";
import {
  type BlackboxLayerType,
  type BlackboxSection,
  type BlackboxTable,
  hasFilterAxis,
  sectionSize,
} from "./table.js";

export type SectionShape = Omit<BlackboxSection, "cycles">;

export type MeasurementGrid = Pick<BlackboxTable, "channels" | "batches" | "dilation"> & {
  sections: SectionShape[];
};

/** The paper's networks use 1..7 kernels; a depthwise 1x1 conv is a scale, and fc has none. */
export const defaultKernels: Record<BlackboxLayerType, number[]> = {
  conv: [1, 3, 5, 7],
  dilconv: [3, 5],
  dwconv: [3, 5, 7],
  dws: [3, 5, 7],
  fc: [1],
};

/** The feature-map sizes of ImageNet (224 → 7) and CIFAR (32 → 1) networks. */
export const defaultOutSizes = [1, 2, 4, 7, 8, 14, 16, 28, 32, 56, 112];

/** DARTS-style dilated convs use dilation 2. */
export const measuredDilation = 2;

/** Channels quantized to `step`: step, 2·step, ..., up to maxChannels. */
export function channelGrid(maxChannels: number, step = 16): number[] {
  return Array.from({ length: Math.floor(maxChannels / step) }, (_, i) => (i + 1) * step);
}

export function measurementGrid(options: {
  maxChannels: number;
  batches: number[];
  channelStep?: number;
  outSizes?: number[];
  kernels?: Partial<Record<BlackboxLayerType, number[]>>;
}): MeasurementGrid {
  const kernels = { ...defaultKernels, ...options.kernels };
  const outSizes = options.outSizes ?? defaultOutSizes;
  const sections = (Object.keys(kernels) as BlackboxLayerType[]).flatMap((type) =>
    kernels[type].map((kernel) => ({ type, kernel, outSizes: type === "fc" ? [1] : outSizes })),
  );
  return {
    channels: channelGrid(options.maxChannels, options.channelStep),
    batches: [...options.batches].sort((a, b) => a - b),
    dilation: measuredDilation,
    sections,
  };
}

export function measurementCount(grid: MeasurementGrid): number {
  return grid.sections.reduce((sum, section) => sum + sectionSize(grid, section), 0);
}

/** The layer measured at `index`. */
export function measurementLayer(grid: MeasurementGrid, index: number): Layer {
  let rest = index;
  for (const section of grid.sections) {
    const size = sectionSize(grid, section);
    if (rest < size) return sectionLayer(grid, section, rest);
    rest -= size;
  }
  throw new RangeError(`measurement ${index} is beyond the grid`);
}

function sectionLayer(grid: MeasurementGrid, section: SectionShape, index: number): Layer {
  const channels = grid.channels.length;
  const filters = hasFilterAxis(section.type) ? channels : 1;
  const f = index % filters;
  const c = Math.floor(index / filters) % channels;
  const batch = Math.floor(index / (filters * channels)) % grid.batches.length;
  const out = Math.floor(index / (filters * channels * grid.batches.length));
  const size = section.outSizes[out];
  const inChannels = grid.channels[c];
  return {
    name: `${section.type} ${section.kernel}x${section.kernel}`,
    type: section.type,
    k1: section.kernel,
    k2: section.kernel,
    c: inChannels,
    f: hasFilterAxis(section.type) ? grid.channels[f] : inChannels,
    h: size,
    w: size,
    stride: 1,
    dilation: section.type === "dilconv" ? grid.dilation : 1,
    batch: grid.batches[batch],
  };
}
