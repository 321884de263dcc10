import type { Argv } from "yargs";
import { type SearchArgs, withSearchOptions } from "./searchFlags.js";

export const searchCommand = {
  command: "search",
  describe: "U-Boost's three-stage utilization-aware search on CIFAR-10, headless",
  builder: (yargs: Argv) =>
    withSearchOptions(yargs)
      .option("table", { type: "string", describe: "blackbox table (for --hw-model blackbox)" })
      .example(
        "$0 search --data data/cifar10-mini --preset demo --out runs/demo",
        "the 5-minute demo",
      )
      .example(
        "$0 search --data DIR --hw-model flops --lambda 0.5 --out runs/flops",
        "the FLOPs baseline",
      ),
  // The search pulls in tfjs; other commands start faster without it.
  handler: async (args: SearchArgs & { table?: string }) =>
    (await import("./searchRun.js")).runSearchCommand(args),
};
