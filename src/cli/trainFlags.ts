/** `uboost train`'s flags and the settings they give. */
import {
  nonNegativeInteger,
  nonNegativeNumber,
  positiveInteger,
  positiveNumber,
  seedOf,
} from "./flags/numbers.js";

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
  workers?: string;
  out: string;
  resume: boolean;
  json: boolean;
}

/** Validated training settings; throws InputError naming the flag. */
export function trainSettings(args: TrainArgs) {
  return {
    epochs: positiveInteger(args.epochs, "--epochs"),
    batch: positiveInteger(args.batch, "--batch"),
    learningRate: positiveNumber(args.lr, "--lr"),
    momentum: nonNegativeNumber(args.momentum, "--momentum"),
    weightDecay: nonNegativeNumber(args.wd, "--wd"),
    clipNorm: nonNegativeNumber(args.clip, "--clip"),
    seed: seedOf(args.seed),
    imagesPerClass: nonNegativeInteger(args["images-per-class"], "--images-per-class"),
  };
}
