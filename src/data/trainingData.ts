import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../errors.js";
import { arrayImageSet, channelStatistics } from "./arrayImageSet.js";
import {
  type Cifar10,
  classCount,
  imageSize,
  labelOf,
  loadCifar10,
  type RecordSet,
} from "./cifar10.js";
import { epochBatches } from "./cifar10Batches.js";
import { heldOutForValidation, isImageFolders } from "./dataFolder.js";
import { type ClassSubset, readImageFolder } from "./imageFolder.js";
import type { Augmentation, ImageSet, TrainingData } from "./imageSet.js";

export interface TrainingDataOptions {
  /** input height = width; CIFAR's 32 is area-downsampled to smaller sizes for quick runs */
  resolution: number;
  /** images kept per class from the training files, first ones in file order (0: all) */
  imagesPerClass: number;
  /** share of the training images held out for validation (default heldOutForValidation) */
  validationFraction?: number;
  seed: number;
  /** image folders only: which class folders to keep (see readImageFolder) */
  classSubset?: ClassSubset;
  /** image folders only (CIFAR always pads and crops); default "pad-crop" */
  augmentation?: Augmentation;
}

/**
 * The splits the search and `uboost train` consume: CIFAR-10 from its binary files, or an
 * ImageNet-style folder with train/ and val/ of one subfolder per class (val/ is the test split).
 */
export async function loadTrainingData(
  folder: string,
  options: TrainingDataOptions,
): Promise<TrainingData> {
  const withSplit = { validationFraction: heldOutForValidation, ...options };
  if (isImageFolders(folder)) return loadImageFolders(folder, withSplit);
  if (options.classSubset === "imagenet100") {
    throw new InputError(
      `--data: ${folder} is not an ImageNet-style folder (train/ and val/ of class folders), which ImageNet-100 needs`,
    );
  }
  return loadCifar(folder, withSplit);
}

type SplitOptions = TrainingDataOptions & { validationFraction: number };

async function loadImageFolders(folder: string, options: SplitOptions): Promise<TrainingData> {
  const { resolution, seed, validationFraction, classSubset } = options;
  const maxPerClass = options.imagesPerClass > 0 ? options.imagesPerClass : undefined;
  const train = await readImageFolder(join(folder, "train"), {
    resolution,
    maxPerClass,
    validationFraction,
    seed,
    classSubset,
  });
  const test = await readImageFolder(join(folder, "val"), { resolution, seed, classSubset });
  const statistics = channelStatistics(train);
  return {
    train: arrayImageSet(train, resolution, statistics, options.augmentation),
    validation: arrayImageSet(train.validation, resolution, statistics),
    test: arrayImageSet(test, resolution, statistics),
    classes: train.classes.length,
    resolution,
    normalization: statistics,
  };
}

async function loadCifar(folder: string, options: SplitOptions): Promise<TrainingData> {
  const cifar = await loadCifar10(folder, {
    validationFraction: options.validationFraction,
    seed: options.seed,
  });
  const keep = (set: RecordSet, share: number) =>
    options.imagesPerClass > 0
      ? firstPerClass(set, Math.max(1, Math.round(options.imagesPerClass * share)))
      : set;
  const trainShare = 1 - options.validationFraction;
  return {
    train: imageSet(cifar, keep(cifar.train, trainShare), options.resolution),
    validation: imageSet(
      cifar,
      keep(cifar.validation, options.validationFraction),
      options.resolution,
    ),
    test: imageSet(cifar, keep(cifar.test, 0.5), options.resolution),
    classes: classCount,
    resolution: options.resolution,
    normalization: { mean: [...cifar.normalization.mean], std: [...cifar.normalization.std] },
  };
}

function firstPerClass(set: RecordSet, perClass: number): RecordSet {
  const taken = new Array(classCount).fill(0);
  const indices: number[] = [];
  set.indices.forEach((index, position) => {
    const label = labelOf(set, position);
    if (taken[label] < perClass) {
      taken[label]++;
      indices.push(index);
    }
  });
  return { records: set.records, indices: Uint32Array.from(indices) };
}

function imageSet(cifar: Cifar10, set: RecordSet, resolution: number): ImageSet {
  return {
    count: set.indices.length,
    *batches(size, { seed, augment }) {
      for (const batch of epochBatches(set, cifar.normalization, 0, {
        batchSize: size,
        shuffle: augment,
        augment,
        seed,
      })) {
        const x = resolution === imageSize ? batch.x : downsample(batch.x, resolution);
        if (x !== batch.x) batch.x.dispose();
        yield { x, y: batch.labels };
      }
    },
  };
}

/** Area averaging when 32 is a multiple of the resolution (no aliasing), else bilinear. */
function downsample(x: tf.Tensor4D, resolution: number): tf.Tensor4D {
  return tf.tidy(() => {
    const factor = imageSize / resolution;
    return Number.isInteger(factor)
      ? tf.avgPool(x, factor, factor, "valid")
      : tf.image.resizeBilinear(x, [resolution, resolution]);
  });
}
