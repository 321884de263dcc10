import { checkDataFolder } from "../data/dataFolder.js";
import { loadTrainingData } from "../data/trainingData.js";
import { InputError } from "../errors.js";
import { checkOutputFolder } from "../files/outputPath.js";
import { readBlackboxTable } from "../hw/blackbox/tableFile.js";
import { modelContext } from "../hw/models/index.js";
import { readSearchSpace, uboostSpace } from "../model/space.js";
import { needsBlackboxTable } from "../search/costSurface.js";
import { describeCell } from "../search/describe.js";
import { runSearch, type SearchOptions, type SearchOutcome } from "../search/run.js";
import { searchInWorkers } from "../search/searchInWorkers.js";
import { checkSearchFolder, recordedSearchWorkers } from "../search/searchState.js";
import { trainingDataOptions } from "../search/settings.js";
import { type BackendName, selectBackend } from "../train/backend.js";
import { parseWorkers } from "./flags/workers.js";
import { count, percent, renderTable } from "./format.js";
import { progressBar } from "./progress.js";
import { type SearchArgs, searchSettings } from "./searchFlags.js";

export async function runSearchCommand(
  args: SearchArgs & { data: string; out: string; table?: string },
): Promise<void> {
  const settings = searchSettings(args);
  checkOutputFolder(args.out, "--out");
  // a resumed search keeps its worker count unless --workers says otherwise (and then is refused)
  const workers = parseWorkers(
    args.workers,
    args.resume ? recordedSearchWorkers(args.out) : undefined,
  );
  const space = args.space ? readSearchSpace(args.space) : uboostSpace;
  if (needsBlackboxTable(settings.hwModel) && args.table === undefined) {
    throw new InputError(
      `--hw-model ${settings.hwModel} needs --table FILE (uboost blackbox build, or blackbox import)`,
    );
  }
  const blackboxTable = args.table === undefined ? undefined : readBlackboxTable(args.table);
  const backend = await selectBackend(args.backend as BackendName | undefined);
  checkSearchFolder(args.out, settings, backend, workers, args.resume);
  // The data as the preset wants it: a validation split, fewer images, its resolution. Loaded
  // (one thread) or checked (worker threads load their own) before the banner, so that a refusal
  // is the only line.
  const dataOptions = trainingDataOptions(settings);
  const data = workers === 1 ? await loadTrainingData(args.data, dataOptions) : undefined;
  if (data === undefined) await checkDataFolder(args.data);
  process.stderr.write(
    `uboost search: tfjs backend ${backend}, ${workers} worker thread${workers === 1 ? "" : "s"}, preset ${settings.preset}, cost model ${settings.hwModel}, array ${settings.array.rows}x${settings.array.cols}\n`,
  );
  const bar = progressBar();
  // the architecture's latency and utilization at the end of the stage's last epoch
  let lastCost = { stage: "", text: "" };
  const callbacks: Pick<SearchOptions, "onBatch" | "onEpoch"> = {
    onBatch: (p) => {
      // a stage's first epoch has no figures of its own yet (the last stage's are not its own), and
      // the final stage trains a fixed network: no latency or τ to show
      const cost = lastCost.stage === p.stage ? lastCost.text : "";
      const label = `${p.stage} ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(3)} top1 ${(p.top1 * 100).toFixed(1)}%${cost}`;
      bar.update(p.batch, p.batches, label);
    },
    onEpoch: (row) => {
      bar.stop();
      const cost =
        row.stage === "final"
          ? ""
          : ` latency ${row.latencyMs.toPrecision(3)} ms util ${percent(row.utilization)} tau ${row.tau?.toFixed(3)}`;
      // The bar of the next epoch carries the architecture's latency and utilization so far.
      lastCost = { stage: row.stage, text: cost };
      process.stderr.write(
        `${row.stage} epoch ${row.epoch}: loss ${row.trainLoss.toFixed(3)} train ${percent(row.trainTop1)} valid ${percent(row.validTop1)}${cost}\n`,
      );
    },
  };
  const outcome = await (data !== undefined
    ? runSearch({
        settings,
        space,
        data,
        outDir: args.out,
        resume: args.resume,
        backend,
        context: modelContext({ blackboxTable }),
        ...callbacks,
      })
    : searchInWorkers(
        {
          settings,
          space,
          dataFolder: args.data,
          dataOptions,
          outDir: args.out,
          resume: args.resume,
          backend: backend as BackendName,
          tablePath: args.table,
        },
        workers,
        callbacks,
      )
  ).finally(() => bar.stop());
  process.stdout.write(
    args.json
      ? `${JSON.stringify({ final: outcome.final, arch: outcome.arch, engineShare: outcome.engineShare })}\n`
      : `${searchSummary(outcome)}\n`,
  );
}

/** The cell as text, the channels per layer, and the simulator's report of the final network. */
function searchSummary(outcome: SearchOutcome): string {
  const { arch, final, engineShare, layers, simulation } = outcome;
  const channels = arch.channels.map((entry) => [
    entry.slot,
    entry.channels,
    percent(entry.probabilities?.[String(entry.channels)] ?? 1),
  ]);
  const report = simulation.layers.map((result, i) => [
    layers[i].name,
    layers[i].type,
    `${layers[i].c}→${layers[i].f}`,
    count(result.cycles),
    percent(result.util),
  ]);
  return [
    "cell:",
    ...describeCell(arch).map((line) => `  ${line}`),
    "",
    renderTable(["layer", "channels", "p"], channels),
    "",
    "final network on the simulator:",
    renderTable(["layer", "type", "c→f", "cycles", "util"], report, 2),
    "",
    `test top-1 ${percent(final.testTop1)}, runtime ${final.runtimeUs.toFixed(1)} µs, utilization ${percent(final.utilization)}, ${count(final.params)} parameters, ${count(final.macs)} MACs/image`,
    `cost model share of search time: micro ${percent(engineShare.micro)}, channel ${percent(engineShare.channel)}`,
  ].join("\n");
}
