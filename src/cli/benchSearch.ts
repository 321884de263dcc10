import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Argv } from "yargs";
import { InputError } from "../errors.js";
import { defaultWorkers } from "../pool/chunkPool.js";
import { projectRoot } from "../projectRoot.js";
import { presetNames } from "../search/settings.js";
import { backendNames } from "../train/backendNames.js";
import { positiveInteger } from "./flags/numbers.js";
import { parseWorkers } from "./flags/workers.js";
import { renderTable } from "./format.js";
import { progressBar } from "./progress.js";

interface BenchSearchArgs {
  data?: string;
  preset: string;
  backend?: string;
  workers?: string;
  rounds: string;
  json: boolean;
}

type SearchBenchResult = Awaited<ReturnType<typeof import("../../bench/search.js").benchSearch>>;

export const benchSearchCommand = {
  command: "search",
  describe:
    "Wall time of `uboost search` on 1 and on N worker threads, side by side in rounds, and their ratio per stage",
  builder: (yargs: Argv) =>
    yargs
      .option("data", {
        type: "string",
        describe: "dataset folder (default: data/cifar10-mini of this install)",
      })
      .option("preset", { type: "string", default: "demo", choices: presetNames })
      .option("backend", {
        type: "string",
        choices: backendNames,
        describe: "tfjs backend (default: the search's, the fastest that loads)",
      })
      .option("workers", {
        type: "string",
        describe: "worker threads of the parallel run, at least 2 (default: the cores)",
      })
      .option("rounds", {
        type: "string",
        default: "3",
        describe:
          "rounds of both runs, alternating which goes first; figures are the medians over rounds",
      })
      .option("json", { type: "boolean", default: false }),
  handler: async (args: BenchSearchArgs) => {
    const data = resolve(args.data ?? join(projectRoot(), "data", "cifar10-mini"));
    if (!existsSync(data)) throw new InputError(`--data: ${data}: no such folder`);
    const workers = parseWorkers(args.workers ?? String(Math.max(2, defaultWorkers())));
    if (workers < 2)
      throw new InputError(`--workers: must be at least 2 (got ${JSON.stringify(args.workers)})`);
    const rounds = positiveInteger(args.rounds, "--rounds");
    const { benchSearch } = await import("../../bench/search.js");
    const bar = progressBar();
    const result = await benchSearch({
      data,
      preset: args.preset,
      backend: args.backend,
      workers,
      rounds,
      onProgress: (stage, done, total) => bar.update(done, total, stage),
    }).finally(() => bar.stop());
    if (args.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const head = ["round", "workers", "seconds", "micro s", "channel s", "final s"];
    process.stdout.write(`${renderTable(head, searchRows(result), 2)}\n`);
    process.stdout.write(
      `preset ${result.preset}, backend ${result.backend}, ${rounds} round${rounds === 1 ? "" : "s"}, which run goes first alternating; seconds from spawn to exit, stage seconds from timing.json; ratio: the median over rounds of the round's own ${workers} ÷ 1\n`,
    );
  },
};

/** Every run's seconds, each figure's median, and the ratios' medians. */
function searchRows(result: SearchBenchResult): string[][] {
  const seconds = (value: number) => value.toFixed(1);
  const runRow = (round: string, workers: number, run: SearchBenchResult["median"]["one"]) => [
    round,
    String(workers),
    seconds(run.seconds),
    seconds(run.stageSeconds.micro),
    seconds(run.stageSeconds.channel),
    seconds(run.stageSeconds.final),
  ];
  const ratio = (value: number) => `${value.toFixed(2)}×`;
  const { median, workers } = result;
  return [
    ...result.rounds.flatMap((round, i) => [
      runRow(String(i + 1), 1, round.one),
      runRow(String(i + 1), workers, round.parallel),
    ]),
    runRow("median", 1, median.one),
    runRow("median", workers, median.parallel),
    [
      "ratio",
      `${workers} ÷ 1`,
      ratio(median.ratio),
      ratio(median.stageRatios.micro),
      ratio(median.stageRatios.channel),
      ratio(median.stageRatios.final),
    ],
  ];
}
