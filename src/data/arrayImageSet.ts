import * as tf from "@tensorflow/tfjs";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { drawFlip, drawShift, normalized } from "./augment.js";
import type { LabelledImages } from "./imageFolder.js";
import type { Augmentation, ImageSet } from "./imageSet.js";
import { resizedCropBox, sampleCrop } from "./resizedCrop.js";
import { shuffleInPlace } from "./shuffle.js";

/** Per-channel mean and standard deviation of HWC RGB bytes scaled to [0, 1]. */
export function channelStatistics(set: LabelledImages): { mean: number[]; std: number[] } {
  const sums = [0, 0, 0];
  const squares = [0, 0, 0];
  set.images.forEach((byte, i) => {
    const value = byte / 255;
    sums[i % 3] += value;
    squares[i % 3] += value * value;
  });
  const n = Math.max(1, set.images.length / 3);
  const mean = sums.map((sum) => sum / n);
  const std = squares.map((square, c) => Math.sqrt(Math.max(square / n - mean[c] ** 2, 1e-12)));
  return { mean, std };
}

/**
 * Decoded images (an image folder) as batches: normalized with the training statistics, and with
 * `augment` a seeded order, a horizontal flip and either a random crop after zero padding of
 * resolution/8 (4 pixels at 32, as for CIFAR) or a random-resized crop (ImageNet).
 */
export function arrayImageSet(
  set: LabelledImages,
  resolution: number,
  statistics: { mean: number[]; std: number[] },
  augmentation: Augmentation = "pad-crop",
): ImageSet {
  const pixels = resolution * resolution;
  const padding = Math.max(1, Math.round(resolution / 8));
  return {
    count: set.count,
    *batches(size, { seed, augment }) {
      const rng = xoroshiro128plus(seed | 0);
      const order = Array.from({ length: set.count }, (_, i) => i);
      if (augment) shuffleInPlace(order, rng);
      for (let start = 0; start < set.count; start += size) {
        const chosen = order.slice(start, start + size);
        const x = new Float32Array(chosen.length * pixels * 3);
        const labels = new Int32Array(chosen.length);
        chosen.forEach((image, b) => {
          labels[b] = set.labels[image];
          // Draw order: the crop, then the flip.
          const value =
            augment && augmentation === "resized-crop"
              ? resizedCrop(set.images, image, resolution, resizedCropBox(rng, resolution))
              : paddedCrop(set.images, image, resolution, augment ? padding : 0, rng);
          const flip = augment && drawFlip(rng);
          for (let y = 0; y < resolution; y++) {
            for (let xPos = 0; xPos < resolution; xPos++) {
              const sourceX = flip ? resolution - 1 - xPos : xPos;
              for (let c = 0; c < 3; c++) {
                x[((b * resolution + y) * resolution + xPos) * 3 + c] = normalized(
                  value(y, sourceX, c),
                  c,
                  statistics,
                );
              }
            }
          }
        });
        yield {
          x: tf.tensor4d(x, [chosen.length, resolution, resolution, 3]),
          y: tf.tensor1d(labels, "int32"),
        };
      }
    },
  };
}

type Pixel = (y: number, x: number, c: number) => number;

/** The image shifted by up to `padding` pixels each way, zeros where it leaves the frame. */
function paddedCrop(
  images: Uint8Array,
  image: number,
  side: number,
  padding: number,
  rng: ReturnType<typeof xoroshiro128plus>,
): Pixel {
  const { dy: shiftY, dx: shiftX } = padding > 0 ? drawShift(rng, padding) : { dy: 0, dx: 0 };
  return (y, x, c) => {
    const sourceY = y + shiftY;
    const sourceX = x + shiftX;
    const inside = sourceY >= 0 && sourceY < side && sourceX >= 0 && sourceX < side;
    return inside ? images[((image * side + sourceY) * side + sourceX) * 3 + c] / 255 : 0;
  };
}

function resizedCrop(
  images: Uint8Array,
  image: number,
  side: number,
  box: ReturnType<typeof resizedCropBox>,
): Pixel {
  const offset = image * side * side * 3;
  return (y, x, c) => sampleCrop(images, offset, side, box, y, x, c);
}
