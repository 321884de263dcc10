/** `uboost search`'s flags and the settings they give (also used by `uboost pareto`). */
import type { Argv } from "yargs";
import { layoutResolutions } from "../model/layout.js";
import { searchModelNames } from "../search/costSurface.js";
import {
  type CostTermsName,
  costTermNames,
  type PresetName,
  presetByName,
  presetNames,
  type SearchSettings,
} from "../search/settings.js";
import { backendNames } from "../train/backendNames.js";
import { parseArrayShape } from "./flags/arrayShape.js";
import { parseChannelRange } from "./flags/channels.js";
import { dataFolderHelp } from "./flags/data.js";
import { cellLayoutFlag } from "./flags/layout.js";
import { nonNegativeNumber, positiveInteger, seedOf, seedOption } from "./flags/numbers.js";

export interface SearchArgs {
  data?: string;
  preset: string;
  "hw-model": string;
  "cost-terms"?: string;
  array?: string;
  lambda?: string;
  beta?: string;
  channels?: string;
  "micro-layout"?: string;
  "channel-layout"?: string;
  resolution?: string;
  seed: string;
  workers?: string;
  backend?: string;
  space?: string;
  out?: string;
  resume: boolean;
  json: boolean;
  plan?: boolean;
}

export function withSearchOptions<T>(yargs: Argv<T>) {
  return yargs
    .option("data", { type: "string", describe: dataFolderHelp })
    .option("preset", { type: "string", default: "paper", choices: presetNames })
    .option("hw-model", {
      type: "string",
      default: "systolic",
      choices: searchModelNames,
      describe: "cost model of the latency and utilization terms",
    })
    .option("cost-terms", {
      type: "string",
      choices: costTermNames,
      describe: "how latency and utilization enter the loss (default: the preset's, reference)",
    })
    .option("array", {
      type: "string",
      describe: "systolic array ROWSxCOLS (default: the preset's)",
    })
    .option("lambda", { type: "string", describe: "latency weight λ per ms (paper preset: 1)" })
    .option("beta", { type: "string", describe: "utilization weight β (paper preset: 1)" })
    .option("channels", {
      type: "string",
      describe: "channel options MIN:MAX:STEP (default: the preset's)",
    })
    .option("micro-layout", {
      type: "string",
      describe: "micro stage: one 0/1 per cell, 1 = a 2×2 max-pool after it (paper: 1,1,1)",
    })
    .option("channel-layout", {
      type: "string",
      describe: "channel stage and final network, as --micro-layout (paper: 1,0,0,1,0,0,1,0,0)",
    })
    .option("resolution", {
      type: "string",
      describe: "input height = width in px (default: the preset's; CIFAR-10 32)",
    })
    .option("seed", seedOption)
    .option("backend", {
      type: "string",
      choices: backendNames,
      describe: "tfjs backend (default: the fastest that loads)",
    })
    .option("space", { type: "string", describe: "search space JSON file (default: the paper's)" })
    .option("out", { type: "string", describe: "output folder" })
    .option("resume", {
      type: "boolean",
      default: false,
      describe: "continue an interrupted search in --out",
    })
    .option("json", {
      type: "boolean",
      default: false,
      describe: "print the final summary as JSON",
    });
}

/** The search settings from the flags, on top of the preset's defaults. */
export function searchSettings(args: SearchArgs): SearchSettings {
  const preset = presetByName(args.preset);
  const resolution =
    args.resolution === undefined
      ? preset.resolution
      : positiveInteger(args.resolution, "--resolution");
  const microLayout =
    args["micro-layout"] !== undefined
      ? cellLayoutFlag(args["micro-layout"], "--micro-layout")
      : preset.microLayout;
  const channelLayout =
    args["channel-layout"] !== undefined
      ? cellLayoutFlag(args["channel-layout"], "--channel-layout")
      : preset.channelLayout;
  // Both stages must fit the input before any data is read or file written.
  layoutResolutions(resolution, microLayout, "--micro-layout");
  layoutResolutions(resolution, channelLayout, "--channel-layout");
  return {
    ...preset,
    preset: args.preset as PresetName,
    hwModel: args["hw-model"],
    costTerms: (args["cost-terms"] ?? preset.costTerms) as CostTermsName,
    lambda: args.lambda === undefined ? preset.lambda : nonNegativeNumber(args.lambda, "--lambda"),
    beta: args.beta === undefined ? preset.beta : nonNegativeNumber(args.beta, "--beta"),
    seed: seedOf(args.seed),
    array: args.array ? parseArrayShape(args.array) : preset.array,
    channels: args.channels ? parseChannelRange(args.channels) : preset.channels,
    resolution,
    microLayout,
    channelLayout,
  };
}
