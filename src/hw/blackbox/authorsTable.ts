/**
 * The U-Boost authors' look-up table (`src/hardware/lookup.json` in their code) as a blackbox
 * table, so `--hw-model blackbox` runs on their simulator's own measurements:
 *
 *   {"Conv2d": {size: {"KxK": {c: {f: {"runtime_csim": ms, "util_csim": u}}}}},
 *    "DepthwiseConv2d": {size: {"KxK": {c: {c: {...}}}}}}
 *
 * Sizes are output sizes (their layers are stride 1, "same" padding), measured at batch 1 on
 * csim at 1 GHz. The layers the table lacks are costed as the authors' code costs them: a dilated
 * conv as the conv of its kernel, a separable conv as its depthwise conv plus a 1×1 conv, a linear
 * layer as a 1×1 conv at size 1 (which is why that size runs to 512 channels).
 */
import { InputError } from "../../errors.js";
import type { BlackboxSection, BlackboxTable } from "./table.js";
import { tableFormat } from "./table.js";

/** The reference's runtime is cycles · 10⁻⁹ s in ms: csim runs at 1 GHz. */
const cyclesPerMs = 1e6;

/** csim's memory system as its binding is called (5 MiB banks, "80 GB/s" of 2^30 bytes). */
export const csimMemory = {
  sramBytes: 5 * 2 ** 20,
  bandwidthBytesPerSec: 80 * 2 ** 30,
  bytesPerOperand: 1,
};

type Measurements = Map<number, Map<number, Map<number, number>>>; // size → c → f → cycles

interface AuthorsTable {
  conv: Map<number, Measurements>; // kernel → …
  depthwise: Map<number, Measurements>;
}

const layerKeys = { Conv2d: "conv", DepthwiseConv2d: "depthwise" } as const;

function positiveKey(key: string, where: string): number {
  if (!/^\d+$/.test(key) || Number(key) < 1) {
    throw new InputError(`${where}: key "${key}" is not a positive integer`);
  }
  return Number(key);
}

function objectAt(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(`${where}: expected an object`);
  }
  return value as Record<string, unknown>;
}

function kernelOf(key: string, where: string): number {
  const match = /^(\d+)x(\d+)$/.exec(key);
  if (!match || match[1] !== match[2] || Number(match[1]) < 1) {
    throw new InputError(`${where}: kernel "${key}" is not a square KxK`);
  }
  return Number(match[1]);
}

function cyclesOf(value: unknown, where: string): number {
  const runtime = objectAt(value, where).runtime_csim;
  if (typeof runtime !== "number" || !Number.isFinite(runtime) || runtime < 0) {
    throw new InputError(`${where}, field runtime_csim: must be a non-negative number of ms`);
  }
  // csim counts whole cycles; the file's ms carry float noise (2.2000000000000003e-05)
  return Math.round(runtime * cyclesPerMs);
}

/** Reads the parsed JSON; every problem names the file and the path inside it. */
function readAuthorsTable(parsed: unknown, file: string): AuthorsTable {
  const table: AuthorsTable = { conv: new Map(), depthwise: new Map() };
  for (const [layerKey, sizes] of Object.entries(objectAt(parsed, file))) {
    if (!Object.hasOwn(layerKeys, layerKey)) {
      throw new InputError(
        `${file}: unknown layer "${layerKey}" (known: ${Object.keys(layerKeys).join(", ")})`,
      );
    }
    const byKernel = table[layerKeys[layerKey as keyof typeof layerKeys]];
    for (const [sizeKey, kernels] of Object.entries(objectAt(sizes, `${file} ${layerKey}`))) {
      const size = positiveKey(sizeKey, `${file} ${layerKey}`);
      for (const [kernelKey, ins] of Object.entries(
        objectAt(kernels, `${file} ${layerKey} ${size}`),
      )) {
        const where = `${file} ${layerKey} ${size} ${kernelKey}`;
        const kernel = kernelOf(kernelKey, where);
        const bySize = byKernel.get(kernel) ?? new Map();
        byKernel.set(kernel, bySize);
        const byIn = new Map<number, Map<number, number>>();
        bySize.set(size, byIn);
        for (const [inKey, outs] of Object.entries(objectAt(ins, where))) {
          const c = positiveKey(inKey, where);
          const byOut = new Map<number, number>();
          byIn.set(c, byOut);
          for (const [outKey, entry] of Object.entries(objectAt(outs, `${where} c ${c}`))) {
            const f = positiveKey(outKey, `${where} c ${c}`);
            byOut.set(f, cyclesOf(entry, `${where} c ${c} f ${f}`));
          }
        }
      }
    }
  }
  if (table.conv.size === 0) throw new InputError(`${file}: no Conv2d measurements`);
  return table;
}

/** The channels measured at every size, as c and as f: the grid a section can hold whole. */
function commonGrid(bySize: Measurements): number[] {
  let grid: number[] | undefined;
  for (const byIn of bySize.values()) {
    const ins = [...byIn.keys()];
    grid = grid === undefined ? ins : grid.filter((c) => ins.includes(c));
  }
  return (grid ?? []).sort((a, b) => a - b);
}

function measured(bySize: Measurements, size: number, c: number, f: number, where: string): number {
  const cycles = bySize.get(size)?.get(c)?.get(f);
  if (cycles === undefined)
    throw new InputError(`${where} ${size}: no measurement for c ${c}, f ${f}`);
  return cycles;
}

const sortedSizes = (bySize: Measurements) => [...bySize.keys()].sort((a, b) => a - b);

function gemmSection(
  type: "conv" | "dilconv" | "fc",
  kernel: number,
  bySize: Measurements,
  sizes: number[],
  grid: number[],
  where: string,
): BlackboxSection {
  const cycles = sizes.flatMap((size) =>
    grid.flatMap((c) => grid.map((f) => measured(bySize, size, c, f, where))),
  );
  return { type, kernel, outSizes: sizes, cycles };
}

/**
 * The authors' table (parsed JSON) as a uboost blackbox table for an array of `array` PEs (their
 * file does not say; their measurements are on 128×128).
 */
export function tableFromAuthorsJson(
  parsed: unknown,
  file: string,
  array: [rows: number, cols: number],
): BlackboxTable {
  const authors = readAuthorsTable(parsed, file);
  const grids = [...authors.conv.values(), ...authors.depthwise.values()].map(commonGrid);
  const channels = grids.reduce((common, grid) => common.filter((c) => grid.includes(c)));
  if (channels.length === 0) throw new InputError(`${file}: no channel count measured throughout`);
  const sections: BlackboxSection[] = [];
  for (const [kernel, bySize] of [...authors.conv].sort(([a], [b]) => a - b)) {
    const where = `${file} Conv2d ${kernel}x${kernel}`;
    const conv = gemmSection("conv", kernel, bySize, sortedSizes(bySize), channels, where);
    sections.push(conv);
    if (kernel > 1) sections.push({ ...conv, type: "dilconv" });
  }
  const pointwise = authors.conv.get(1);
  for (const [kernel, bySize] of [...authors.depthwise].sort(([a], [b]) => a - b)) {
    const where = `${file} DepthwiseConv2d ${kernel}x${kernel}`;
    const sizes = sortedSizes(bySize);
    const depthwise = sizes.flatMap((size) =>
      channels.map((c) => measured(bySize, size, c, c, where)),
    );
    sections.push({ type: "dwconv", kernel, outSizes: sizes, cycles: depthwise });
    if (pointwise === undefined) continue;
    const both = sizes.filter((size) => pointwise.has(size));
    const separable = both.flatMap((size) =>
      channels.flatMap((c) =>
        channels.map(
          (f) =>
            measured(bySize, size, c, c, where) +
            measured(pointwise, size, c, f, `${file} Conv2d 1x1`),
        ),
      ),
    );
    if (both.length > 0) sections.push({ type: "dws", kernel, outSizes: both, cycles: separable });
  }
  const linear = pointwise?.get(1);
  if (pointwise !== undefined && linear !== undefined) {
    const grid = commonGrid(new Map([[1, linear]]));
    const fc = gemmSection("fc", 1, pointwise, [1], grid, `${file} Conv2d 1x1`);
    sections.push(grid.join() === channels.join() ? fc : { ...fc, channels: grid });
  }
  return {
    format: tableFormat,
    simulator: "csim",
    array,
    ...csimMemory,
    channels,
    batches: [1],
    dilation: 1,
    sections,
  };
}
