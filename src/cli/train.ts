import type { Argv } from "yargs";
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

export const trainCommand = {
  command: "train",
  describe: "Train the network an arch file describes, from scratch, on CIFAR-10",
  builder: (yargs: Argv) =>
    yargs
      .option("arch", {
        type: "string",
        demandOption: true,
        describe: "arch.json (written by uboost search)",
      })
      .option("data", { type: "string", demandOption: true, describe: "CIFAR-10 binary folder" })
      .option("epochs", { type: "string", default: "200" })
      .option("batch", { type: "string", default: "256" })
      .option("lr", {
        type: "string",
        default: "0.1",
        describe: "initial learning rate (×0.1 at 50% and 75%)",
      })
      .option("momentum", { type: "string", default: "0.9" })
      .option("wd", { type: "string", default: "5e-4", describe: "weight decay" })
      .option("clip", { type: "string", default: "0.5", describe: "max gradient norm (0: off)" })
      .option("seed", { type: "string", default: "0" })
      .option("images-per-class", {
        type: "string",
        default: "0",
        describe: "train on the first N images per class (0: all)",
      })
      .option("backend", {
        type: "string",
        describe: "tfjs backend: tensorflow | wasm | cpu (default: fastest)",
      })
      .option("out", { type: "string", demandOption: true, describe: "output folder" })
      .option("resume", { type: "boolean", default: false })
      .option("json", { type: "boolean", default: false })
      .example(
        "$0 train --arch runs/demo/arch.json --data data/cifar10-mini --epochs 10 --out runs/train",
        "",
      ),
  // Training pulls in tfjs; other commands start faster without it.
  handler: async (args: TrainArgs) => (await import("./trainRun.js")).runTrainCommand(args),
};
