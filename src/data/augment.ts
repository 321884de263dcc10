/**
 * The augmentation draws and the normalization both image pipelines share (CIFAR records in
 * cifar10Batches.ts, decoded image folders in arrayImageSet.ts). Per image the draws come in
 * this order: the crop (a padded shift here, or a resized-crop box), then the flip; a seed gives
 * the same crops and flips in either pipeline.
 */
import { uniformInt } from "pure-rand/distribution/uniformInt";
import type { Rng } from "./shuffle.js";

/**
 * A crop of the image zero-padded by `padding` pixels on every side, as an offset in
 * [−padding, padding] each way: the output pixel (y, x) reads the input pixel (y + dy, x + dx).
 */
export function drawShift(rng: Rng, padding: number): { dy: number; dx: number } {
  const dy = uniformInt(rng, -padding, padding);
  const dx = uniformInt(rng, -padding, padding);
  return { dy, dx };
}

/** A horizontal flip with probability 1/2. */
export const drawFlip = (rng: Rng) => uniformInt(rng, 0, 1) === 1;

/** A channel value in [0, 1] standardized by the training images' per-channel statistics. */
export function normalized(
  value: number,
  channel: number,
  statistics: { mean: ArrayLike<number>; std: ArrayLike<number> },
): number {
  return (value - statistics.mean[channel]) / statistics.std[channel];
}
