/** `uboost search`'s flags and the settings they give (also used by `uboost pareto`). */
import type { Argv } from "yargs";
import { InputError } from "../errors.js";
import { layoutResolutions, parseLayout } from "../model/layout.js";
import { searchModelNames } from "../search/costSurface.js";
import {
  costTermNames,
  type PresetName,
  parseChannelRange,
  parseCostTerms,
  presetByName,
  presetNames,
  type SearchSettings,
} from "../search/settings.js";
import { dataFolderHelp } from "./flags/data.js";
import { parseArrayShape, parseArrayShape, parsePositiveInteger } from "./options.js";

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
    .option("preset", { type: "string", default: "paper", describe: `${presetNames.join(" | ")}` })
    .option("hw-model", {
      type: "string",
      default: "systolic",
      describe: `${searchModelNames.join(" | ")}`,
    })
    .option("cost-terms", {
      type: "string",
      describe: `how latency and utilization enter the loss: ${costTermNames.join(" | ")} (default: the preset's, reference)`,
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
    .option("seed", { type: "string", default: "0" })
    .option("backend", {
      type: "string",
      describe: "tfjs backend: tensorflow | wasm | cpu (default: fastest)",
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

function nonNegative(value: string, flag: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 0) {
    throw new InputError(`${flag}: must be a number >= 0 (got "${value}")`);
  }
  return parsed;
}

/** The search settings from the flags, on top of the preset's defaults. */
export function searchSettings(args: SearchArgs): SearchSettings {
  const preset = presetByName(args.preset);
  const hwModel = args["hw-model"];
  if (!(searchModelNames as readonly string[]).includes(hwModel)) {
    throw new InputError(
      `--hw-model: unknown cost model "${hwModel}" (known: ${searchModelNames.join(", ")})`,
    );
  }
  const seed = Number(args.seed);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new InputError(`--seed: must be an integer >= 0 (got "${args.seed}")`);
  const resolution =
    args.resolution === undefined
      ? preset.resolution
      : parsePositiveInteger(args.resolution, "--resolution");
  const microLayout =
    args["micro-layout"] !== undefined
      ? parseLayout(args["micro-layout"], "--micro-layout")
      : preset.microLayout;
  const channelLayout =
    args["channel-layout"] !== undefined
      ? parseLayout(args["channel-layout"], "--channel-layout")
      : preset.channelLayout;
  // Both stages must fit the input before any data is read or file written.
  layoutResolutions(resolution, microLayout, "--micro-layout");
  layoutResolutions(resolution, channelLayout, "--channel-layout");
  return {
    ...preset,
    preset: args.preset as PresetName,
    hwModel,
    costTerms:
      args["cost-terms"] === undefined ? preset.costTerms : parseCostTerms(args["cost-terms"]),
    lambda: args.lambda === undefined ? preset.lambda : nonNegative(args.lambda, "--lambda"),
    beta: args.beta === undefined ? preset.beta : nonNegative(args.beta, "--beta"),
    seed,
    array: args.array ? parseArrayShape(args.array) : preset.array,
    channels: args.channels ? parseChannelRange(args.channels) : preset.channels,
    resolution,
    microLayout,
    channelLayout,
  };
}
