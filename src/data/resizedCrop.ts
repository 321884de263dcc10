/**
 * Random-resized-crop (Inception-style, torchvision's RandomResizedCrop defaults, the reference's
 * ImageNet-100 augmentation): a box of 8–100% of the image's area with an aspect ratio drawn
 * log-uniformly in [3/4, 4/3], resampled bilinearly to the full side. The box is drawn on the
 * image as decoded (side × side): the loader decodes each image once, so the crop is taken from
 * that copy rather than from the original file.
 */

import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

const minScale = 0.08;
const maxScale = 1;
const minRatio = 3 / 4;
const maxRatio = 4 / 3;
const attempts = 10;

/** A seeded box inside a side × side image; after ten misses, the whole image (a square fits). */
export function resizedCropBox(rng: RandomGenerator, side: number): CropBox {
  const area = side * side;
  const logMin = Math.log(minRatio);
  const logMax = Math.log(maxRatio);
  for (let attempt = 0; attempt < attempts; attempt++) {
    const target = area * (minScale + (maxScale - minScale) * uniformFloat64(rng));
    const ratio = Math.exp(logMin + (logMax - logMin) * uniformFloat64(rng));
    const width = Math.round(Math.sqrt(target * ratio));
    const height = Math.round(Math.sqrt(target / ratio));
    if (width > 0 && width <= side && height > 0 && height <= side) {
      return {
        top: uniformInt(rng, 0, side - height),
        left: uniformInt(rng, 0, side - width),
        height,
        width,
      };
    }
  }
  return { top: 0, left: 0, height: side, width: side };
}

/**
 * Bilinear sample of channel c of a side × side HWC byte image at output pixel (y, x) of a
 * side × side resampling of `box`, in [0, 1]. Pixel centres sit at i + 0.5 and the box's edge
 * pixels extend outward, as when the crop is cut out first and then resized.
 */
export function sampleCrop(
  image: Uint8Array,
  offset: number,
  side: number,
  box: CropBox,
  y: number,
  x: number,
  c: number,
): number {
  const sourceY = clamp(box.top + ((y + 0.5) * box.height) / side - 0.5, box.top, box.height);
  const sourceX = clamp(box.left + ((x + 0.5) * box.width) / side - 0.5, box.left, box.width);
  const y0 = Math.floor(sourceY);
  const x0 = Math.floor(sourceX);
  const y1 = Math.min(y0 + 1, box.top + box.height - 1);
  const x1 = Math.min(x0 + 1, box.left + box.width - 1);
  const fy = sourceY - y0;
  const fx = sourceX - x0;
  const at = (row: number, column: number) => image[offset + (row * side + column) * 3 + c];
  const top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx;
  const bottom = at(y1, x0) * (1 - fx) + at(y1, x1) * fx;
  return (top * (1 - fy) + bottom * fy) / 255;
}

const clamp = (value: number, first: number, length: number) =>
  Math.min(Math.max(value, first), first + length - 1);
