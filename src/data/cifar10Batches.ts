/**
 * Training batches from a CIFAR-10 record set: seeded shuffling and augmentation (random crop
 * from the image padded by 4 black pixels, then a random horizontal flip, as DARTS trains),
 * per-channel normalization, and NHWC float32 images. Each batch is assembled in one
 * Float32Array through a byte → normalized value table and uploaded as one tensor; the caller
 * owns (and disposes) the tensors of every batch it takes.
 */
import * as tf from "@tensorflow/tfjs";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { drawFlip, drawShift, normalized } from "./augment.js";
import {
  imageChannels,
  imageSize,
  type Normalization,
  pixelsPerChannel,
  type RecordSet,
  recordBytes,
} from "./cifar10.js";
import { shuffleInPlace } from "./shuffle.js";

export interface BatchOptions {
  batchSize: number;
  /** a new seeded order every epoch (default false) */
  shuffle?: boolean;
  /** random crop (padding 4) and horizontal flip (default false) */
  augment?: boolean;
  /** shuffling and augmentation (default 0) */
  seed?: number;
}

/** A type, not an interface, so tf.dispose(batch) accepts it as a tensor container. */
export type Batch = {
  /** [batch, 32, 32, 3], normalized */
  x: tf.Tensor4D;
  /** int32 [batch] */
  labels: tf.Tensor1D;
};

const cropPadding = 4;

export function batchesPerEpoch(set: RecordSet, options: BatchOptions): number {
  const count = set.indices.length;
  return Math.ceil(count / options.batchSize);
}

/**
 * The batches of one epoch. The same (seed, epoch) gives the same order and the same crops and
 * flips, whatever epochs were read before.
 */
export function* epochBatches(
  set: RecordSet,
  normalization: Normalization,
  epoch: number,
  options: BatchOptions,
): Generator<Batch> {
  const { batchSize, seed = 0 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batch size must be a positive integer (got ${batchSize})`);
  }
  const rng = xoroshiro128plus((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) | 0);
  const order = Uint32Array.from(set.indices);
  if (options.shuffle) shuffleInPlace(order, rng);
  const table = normalizationTable(normalization);
  for (let b = 0; b < batchesPerEpoch(set, options); b++) {
    const records = order.subarray(b * batchSize, (b + 1) * batchSize);
    const images = new Float32Array(records.length * pixelsPerChannel * imageChannels);
    const labels = new Int32Array(records.length);
    records.forEach((record, i) => {
      labels[i] = set.records[record * recordBytes];
      const crop = options.augment
        ? { ...drawShift(rng, cropPadding), flip: drawFlip(rng) }
        : { dy: 0, dx: 0, flip: false };
      writeImage(set.records, record, table, crop, images, i * pixelsPerChannel * imageChannels);
    });
    yield {
      x: tf.tensor4d(images, [records.length, imageSize, imageSize, imageChannels]),
      labels: tf.tensor1d(labels, "int32"),
    };
  }
}

/** table[channel · 256 + byte] = (byte / 255 − mean) / std */
function normalizationTable({ mean, std }: Normalization): Float32Array {
  const table = new Float32Array(imageChannels * 256);
  for (let channel = 0; channel < imageChannels; channel++) {
    for (let value = 0; value < 256; value++) {
      table[channel * 256 + value] = normalized(value / 255, channel, { mean, std });
    }
  }
  return table;
}

/**
 * One image into `out` at `offset` (HWC): the image shifted by (dy, dx) with black where it
 * leaves the frame (drawShift), the flip mirroring the output.
 */
function writeImage(
  records: Uint8Array,
  record: number,
  table: Float32Array,
  crop: { dy: number; dx: number; flip: boolean },
  out: Float32Array,
  offset: number,
): void {
  const planes = record * recordBytes + 1;
  const [black0, black1, black2] = [table[0], table[256], table[512]];
  for (let row = 0; row < imageSize; row++) {
    const sourceRow = row + crop.dy;
    const rowOut = offset + row * imageSize * imageChannels;
    for (let col = 0; col < imageSize; col++) {
      const sourceCol = (crop.flip ? imageSize - 1 - col : col) + crop.dx;
      const at = rowOut + col * imageChannels;
      if (sourceRow < 0 || sourceRow >= imageSize || sourceCol < 0 || sourceCol >= imageSize) {
        out[at] = black0;
        out[at + 1] = black1;
        out[at + 2] = black2;
      } else {
        const pixel = planes + sourceRow * imageSize + sourceCol;
        out[at] = table[records[pixel]];
        out[at + 1] = table[256 + records[pixel + pixelsPerChannel]];
        out[at + 2] = table[512 + records[pixel + 2 * pixelsPerChannel]];
      }
    }
  }
}
