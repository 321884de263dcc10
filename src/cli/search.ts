import type { Argv } from "yargs";
import { InputError } from "../errors.js";
import { parseWorkers } from "./flags/workers.js";
import { type SearchArgs, searchSettings, withSearchOptions } from "./searchFlags.js";

export const searchCommand = {
  command: "search",
  describe: "U-Boost's three-stage utilization-aware search on CIFAR-10, headless",
  builder: (yargs: Argv) =>
    withSearchOptions(yargs)
      .option("table", { type: "string", describe: "blackbox table (for --hw-model blackbox)" })
      .option("workers", {
        type: "string",
        describe:
          "worker threads searching data-parallel, each on a share of every batch (default: the cores; 1: this thread)",
      })
      .option("plan", {
        type: "boolean",
        default: false,
        describe: "print each stage's cells, stem and head without training (no --data needed)",
      })
      .example(
        "$0 search --data data/cifar10-mini --preset demo --out runs/demo",
        "the demo: about two minutes on two cores",
      )
      .example(
        "$0 search --data DIR --hw-model flops --lambda 0.5 --out runs/flops",
        "the FLOPs baseline",
      )
      .example("$0 search --plan --preset imagenet100", "the layout at 128 px, without training"),
  // The search pulls in tfjs; other commands (and --plan) start faster without it.
  handler: async (args: SearchArgs & { table?: string }) => {
    if (args.plan) return (await import("./searchPlan.js")).printSearchPlan(args);
    if (args.data === undefined) throw new InputError("--data: required (a dataset folder)");
    if (args.out === undefined) throw new InputError("--out: required (an output folder)");
    searchSettings(args); // bad flags fail here, before tfjs loads
    parseWorkers(args.workers);
    return (await import("./searchRun.js")).runSearchCommand({
      ...args,
      data: args.data,
      out: args.out,
    });
  },
};
