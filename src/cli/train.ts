import type { Argv } from "yargs";
import { backendNames } from "../train/backendNames.js";
import { dataFolderHelp } from "./flags/data.js";
import { seedOption } from "./flags/numbers.js";
import type { TrainArgs } from "./trainFlags.js";

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
      .option("data", { type: "string", demandOption: true, describe: dataFolderHelp })
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
      .option("seed", seedOption)
      .option("images-per-class", {
        type: "string",
        default: "0",
        describe: "train on the first N images per class (0: all)",
      })
      .option("backend", {
        type: "string",
        choices: backendNames,
        describe: "tfjs backend (default: the fastest that loads)",
      })
      .option("workers", {
        type: "string",
        describe:
          "worker threads training data-parallel, each on a share of every batch (default: the cores; 1: this thread)",
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
