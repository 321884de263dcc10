/**
 * The paper's look-up-table ("blackbox") baseline: simulator cycles measured for every layer type,
 * kernel size and output size, with channels quantized to 16, read back at the nearest measured
 * layer. It knows nothing of why a layer costs what it does, which is the point of the baseline.
 */
import { InputError } from "../../errors.js";
import type { Layer } from "../../layers/layer.js";
import type { SimConfig } from "../simulator/config.js";

export const blackboxTypes = ["conv", "dilconv", "dwconv", "dws", "fc"] as const;
export type BlackboxLayerType = (typeof blackboxTypes)[number];

/** One layer type and square kernel, over output sizes × batches × c × f. */
export interface BlackboxSection {
  type: BlackboxLayerType;
  kernel: number;
  /** square output sizes h = w, increasing */
  outSizes: number[];
  /** simulator cycles, index ((out · batches + batch) · channels + c) · channels + f; a dwconv has no f axis (f = c) */
  cycles: number[];
  /** this section's c and f grid where it differs from the table's (the authors' fc runs to 512) */
  channels?: number[];
}

/** The table as its JSON file holds it. */
export interface BlackboxTable {
  format: typeof tableFormat;
  /**
   * who measured it: absent for uboost's simulator (blackbox build); "csim" for the U-Boost
   * authors' simulator (blackbox import), whose memory system is its own, not --sram/--bw
   */
  simulator?: "csim";
  array: [rows: number, cols: number];
  /** the memory system it was measured with; null stands for unlimited (JSON has no Infinity) */
  sramBytes: number | null;
  bandwidthBytesPerSec: number | null;
  bytesPerOperand: number;
  /** c and f grid, increasing (multiples of 16) */
  channels: number[];
  batches: number[];
  /** the dilation dilconv was measured at */
  dilation: number;
  sections: BlackboxSection[];
}

export const tableFormat = "uboost-blackbox/1";

export const hasFilterAxis = (type: BlackboxLayerType) => type !== "dwconv";

/** The c and f grid a section is measured on. */
export const sectionChannels = (
  table: Pick<BlackboxTable, "channels">,
  section: Pick<BlackboxSection, "channels">,
) => section.channels ?? table.channels;

export function sectionSize(
  table: Pick<BlackboxTable, "channels" | "batches">,
  section: Omit<BlackboxSection, "cycles">,
): number {
  const channels = sectionChannels(table, section).length;
  return (
    section.outSizes.length *
    table.batches.length *
    channels *
    (hasFilterAxis(section.type) ? channels : 1)
  );
}

/** Index of the nearest value in an increasing list; a tie goes to the larger value. */
export function nearestIndex(values: readonly number[], x: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[mid] < x) low = mid + 1;
    else high = mid;
  }
  if (low > 0 && x - values[low - 1] < values[low] - x) return low - 1;
  return low;
}

const sectionIndexes = new WeakMap<BlackboxTable, Map<string, BlackboxSection>>();

function sectionFor(table: BlackboxTable, layer: Layer): BlackboxSection {
  let index = sectionIndexes.get(table);
  if (index === undefined) {
    index = new Map(
      table.sections.map((section) => [
        `${section.type} ${section.kernel}x${section.kernel}`,
        section,
      ]),
    );
    sectionIndexes.set(table, index);
  }
  const section = index.get(`${layer.type} ${layer.k1}x${layer.k2}`);
  if (section === undefined) {
    const kernels = table.sections
      .filter((s) => s.type === layer.type)
      .map((s) => `${s.kernel}x${s.kernel}`);
    throw new InputError(
      `blackbox table: no ${layer.type} ${layer.k1}x${layer.k2} measurements (${layer.type}: ${kernels.join(", ") || "none"})`,
    );
  }
  return section;
}

/**
 * Cycles of the nearest measured layer: same type and kernel, nearest output size (by √(h·w),
 * the table holds square outputs), nearest c and f on the 16-channel grid. Batch: the nearest
 * measured batch, scaled linearly to the asked one, since the streamed rows (h·w·b per fold)
 * dominate a fold's cycles; at a measured batch this is the measurement itself.
 */
export function lookupCycles(table: BlackboxTable, layer: Layer): number {
  const section = sectionFor(table, layer);
  const grid = sectionChannels(table, section);
  const channels = grid.length;
  const out = nearestIndex(section.outSizes, Math.sqrt(layer.h * layer.w));
  const batch = nearestIndex(table.batches, layer.batch);
  const c = nearestIndex(grid, layer.c);
  const f = hasFilterAxis(section.type) ? nearestIndex(grid, layer.f) : 0;
  const filters = hasFilterAxis(section.type) ? channels : 1;
  const index = ((out * table.batches.length + batch) * channels + c) * filters + f;
  return section.cycles[index] * (layer.batch / table.batches[batch]);
}

const unlimited = (value: number) => (Number.isFinite(value) ? value : null);

/**
 * Throws an InputError unless the table was measured on this hardware (the clock only scales
 * time). A csim table's memory is csim's, which --sram and --bw do not describe: only its array
 * shape must match.
 */
export function checkTableHardware(table: BlackboxTable, hardware: SimConfig): void {
  const [rows, cols] = table.array;
  if (rows !== hardware.arrayRows || cols !== hardware.arrayCols) {
    throw new InputError(
      `--table: measured on a ${rows}x${cols} array, not ${hardware.arrayRows}x${hardware.arrayCols} (build one with uboost blackbox build --array ${hardware.arrayRows}x${hardware.arrayCols})`,
    );
  }
  if (table.simulator === "csim") return;
  const memory = [
    ["SRAM bytes", table.sramBytes, unlimited(hardware.sramBytes)],
    ["bandwidth B/s", table.bandwidthBytesPerSec, unlimited(hardware.bandwidthBytesPerSec)],
    ["bytes per operand", table.bytesPerOperand, hardware.bytesPerOperand],
  ] as const;
  for (const [what, measured, asked] of memory) {
    if (measured !== asked) {
      throw new InputError(
        `--table: measured with ${what} ${measured ?? "unlimited"}, not ${asked ?? "unlimited"}`,
      );
    }
  }
}

export function tableHardwareFields(hardware: SimConfig) {
  return {
    sramBytes: unlimited(hardware.sramBytes),
    bandwidthBytesPerSec: unlimited(hardware.bandwidthBytesPerSec),
    bytesPerOperand: hardware.bytesPerOperand,
  };
}
