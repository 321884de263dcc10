/** `uboost train`'s flags and the settings they give. */
import { InputError } from "../errors.js";
import { parsePositiveInteger, parsePositiveNumber } from "./options.js";

export interface TrainArgs {
  arch: string;
  data: string;
  epochs: string;
  batch: string;
  lr: string;
  momentum: string;
  wd: string;
  clip: string;
  seed: string;
  "images-per-class": string;
  backend?: string;
  out: string;
  resume: boolean;
  json: boolean;
}

function fraction(value: string, flag: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 0) {
    throw new InputError(`${flag}: must be a number >= 0 (got "${value}")`);
  }
  return parsed;
}

/** Validated training settings; throws InputError naming the flag. */
export function trainSettings(args: TrainArgs) {
  const seed = Number(args.seed);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new InputError(`--seed: must be an integer >= 0 (got "${args.seed}")`);
  const imagesPerClass = Number(args["images-per-class"]);
  if (!Number.isSafeInteger(imagesPerClass) || imagesPerClass < 0) {
    throw new InputError(
      `--images-per-class: must be an integer >= 0 (got "${args["images-per-class"]}")`,
    );
  }
  return {
    epochs: parsePositiveInteger(args.epochs, "--epochs"),
    batch: parsePositiveInteger(args.batch, "--batch"),
    learningRate: parsePositiveNumber(args.lr, "--lr"),
    momentum: fraction(args.momentum, "--momentum"),
    weightDecay: fraction(args.wd, "--wd"),
    clipNorm: fraction(args.clip, "--clip"),
    seed,
    imagesPerClass,
  };
}
