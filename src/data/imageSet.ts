import type * as tf from "@tensorflow/tfjs";

/** A labelled image split as the training loops consume it: NHWC batches and integer labels. */
export interface ImageSet {
  count: number;
  /** batches in an order fixed by `seed`; `augment` adds random crop and flip */
  batches(
    size: number,
    options: { seed: number; augment: boolean },
  ): Iterable<{ x: tf.Tensor4D; y: tf.Tensor1D }>;
}

/**
 * Training-time augmentation besides the flip: "pad-crop" shifts the image within a zero border
 * (CIFAR's pad-4 crop), "resized-crop" takes a random-resized crop (ImageNet's).
 */
export type Augmentation = "pad-crop" | "resized-crop";

/** Per-channel (R, G, B) mean and standard deviation of the training images' values in [0, 1]. */
export interface ChannelStatistics {
  mean: number[];
  std: number[];
}

export interface TrainingData {
  train: ImageSet;
  validation: ImageSet;
  test: ImageSet;
  classes: number;
  resolution: number;
  /** what every split is normalized with: (x − mean) / std */
  normalization: ChannelStatistics;
}
