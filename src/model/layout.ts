import { InputError } from "../errors.js";

/**
 * The macro-architecture around the searched cell, as in the authors' reference code: a 3×3 stem
 * conv → BN → ReLU followed by a 2×2 max-pool (not searched), then a stage's cells, each followed
 * by a 2×2 max-pool or not, then flatten + one linear layer. A stage's layout is that list of
 * "pool after this cell" flags, one per cell (the reference's `ms_stacks` / `cs_stacks`).
 */
export type CellLayout = boolean[];

/** Micro stage: 3 cells, a max-pool after each (CIFAR-10: cells at 16, 8, 4 px). */
export const microLayout: CellLayout = [true, true, true];
/**
 * Channel stage and final network: 9 cells, a max-pool after the first of each group of three
 * (CIFAR-10: cells at 16, 8, 8, 8, 4, 4, 4, 2, 2 px).
 */
export const channelLayout: CellLayout = [
  true,
  false,
  false,
  true,
  false,
  false,
  true,
  false,
  false,
];

export const formatLayout = (layout: readonly boolean[]) =>
  layout.map((pool) => (pool ? "1" : "0")).join(",");

/** Side lengths in pixels through the network (height = width). */
export interface Resolutions {
  /** the stem conv's input and output (stride 1, same padding) */
  input: number;
  /** each cell's input, after the stem's max-pool and the pools of the cells before it */
  cells: number[];
  /** what the classifier flattens */
  head: number;
}

/**
 * The resolution at every cell. Every 2×2 max-pool must halve an even size: a layout or input
 * resolution that leaves an odd side (or one below 1 px) is refused rather than silently
 * cropped, so the cost model and the network agree on every layer's size.
 */
export function layoutResolutions(
  resolution: number,
  layout: readonly boolean[],
  flag: string,
): Resolutions {
  if (layout.length === 0) throw new InputError(`${flag}: no cells; give one 0 or 1 per cell`);
  const halve = (size: number, where: string) => {
    if (size < 2) {
      throw new InputError(
        `${flag}: the 2×2 max-pool ${where} would take ${size} px below 1 px (input ${resolution} px); use fewer pools or a larger --resolution`,
      );
    }
    if (size % 2 !== 0) {
      throw new InputError(
        `${flag}: the 2×2 max-pool ${where} gets ${size} px, which 2 does not divide (input ${resolution} px); choose a --resolution that halves evenly`,
      );
    }
    return size / 2;
  };
  let size = halve(resolution, "after the stem");
  const cells: number[] = [];
  layout.forEach((poolAfter, i) => {
    cells.push(size);
    if (poolAfter) size = halve(size, `after cell ${i + 1}`);
  });
  return { input: resolution, cells, head: size };
}
