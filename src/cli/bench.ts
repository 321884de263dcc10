import type { Argv } from "yargs";
import { renderTable } from "./format.js";
import { parsePositiveInteger } from "./options.js";

interface BenchEngineArgs {
  n: string;
  seed: string;
  json: boolean;
}

const benchEngineCommand = {
  command: "engine",
  describe: "Configs/s of the WASM engine vs the TS reference vs tfjs tensor ops (one run)",
  builder: (yargs: Argv) =>
    yargs
      .option("n", { type: "string", default: "1000000", describe: "number of random configs" })
      .option("seed", { type: "string", default: "0" })
      .option("json", { type: "boolean", default: false }),
  handler: async (args: BenchEngineArgs) => {
    const configs = parsePositiveInteger(args.n, "--n");
    const seed = Number.parseInt(args.seed, 10);
    // Imported on demand: the benchmark pulls in tfjs, which other commands never need.
    const { benchEngine } = await import("../../bench/engine.js");
    const result = await benchEngine({
      configs,
      seed,
      onProgress: (stage: string, done: number, total: number) =>
        process.stderr.write(`\r${stage}: ${done}/${total}   `),
    });
    process.stderr.write("\n");
    if (args.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const rate = (perSec: number) => Math.round(perSec).toLocaleString("en-US");
    const rows = [
      ["wasm", rate(result.wasm.configsPerSec), "1.0"],
      [
        "reference",
        rate(result.reference.configsPerSec),
        (result.wasm.configsPerSec / result.reference.configsPerSec).toFixed(1),
      ],
      [
        `tfjs (${result.tfjs.backend})`,
        rate(result.tfjs.configsPerSec),
        (result.wasm.configsPerSec / result.tfjs.configsPerSec).toFixed(1),
      ],
    ];
    process.stdout.write(`${renderTable(["engine", "configs/s", "wasm speed-up"], rows)}\n`);
  },
};

export const benchCommand = {
  command: "bench",
  describe: "Microbenchmarks (JSON with --json)",
  builder: (yargs: Argv) => yargs.command(benchEngineCommand).demandCommand(1),
  handler: () => {},
};
