import { join } from "node:path";
import { checkDataFolder } from "../data/dataFolder.js";
import { loadTrainingData } from "../data/trainingData.js";
import { InputError } from "../errors.js";
import { checkOutputFolder } from "../files/outputPath.js";
import { readArchFile } from "../model/archFile.js";
import type { SearchSettings } from "../search/settings.js";
import { type BackendName, selectBackend } from "../train/backend.js";
import { checkCheckpoint, hasCheckpoint } from "../train/checkpoint.js";
import {
  runKeyDifference,
  savedRunKey,
  type TrainRunKey,
  trainCheckpointName,
  trainCheckpointPath,
  trainRunKey,
} from "../train/runKey.js";
import { trainInWorkers } from "../train/trainInWorkers.js";
import { type TrainOptions, trainNetwork } from "../train/trainNetwork.js";
import { parseWorkers } from "./flags/workers.js";
import { percent } from "./format.js";
import { progressBar } from "./progress.js";
import { type TrainArgs, trainSettings } from "./trainFlags.js";

export async function runTrainCommand(args: TrainArgs): Promise<void> {
  const settings = trainSettings(args);
  checkOutputFolder(args.out, "--out");
  const arch = readArchFile(args.arch);
  const resuming = hasCheckpoint(args.out, trainCheckpointName);
  if (!args.resume && resuming) {
    throw new InputError(
      `--out: ${args.out} already holds a training run; pass --resume or choose another folder`,
    );
  }
  // a damaged checkpoint is refused before anything starts
  if (resuming) checkCheckpoint(args.out, trainCheckpointName);
  const saved = resuming ? savedRunKey(args.out) : undefined;
  // a resumed run keeps its worker count unless --workers says otherwise (and then is refused)
  const workers = parseWorkers(args.workers, saved?.workers);
  const backend = await selectBackend(args.backend as BackendName | undefined);
  if (saved) checkResumable(args.out, saved, trainRunKey(arch, { ...settings, backend, workers }));
  // The search's data rules travel in arch.json (ImageNet-100's classes and crops).
  const searched = arch.settings as Partial<SearchSettings> | undefined;
  const dataOptions = {
    resolution: arch.shape.resolution,
    imagesPerClass: settings.imagesPerClass,
    seed: settings.seed,
    classSubset: searched?.classSubset,
    augmentation: searched?.augmentation,
  };
  // Loaded (one thread) or checked (worker threads load their own) before the banner, so that a
  // refusal is the only line.
  const data = workers === 1 ? await loadTrainingData(args.data, dataOptions) : undefined;
  if (data === undefined) await checkDataFolder(args.data);
  process.stderr.write(
    `uboost train: tfjs backend ${backend}, ${workers} worker thread${workers === 1 ? "" : "s"}\n`,
  );
  const bar = progressBar();
  const options = { ...settings, outDir: args.out, resume: args.resume, backend };
  const callbacks: Pick<TrainOptions, "onBatch" | "onEpoch"> = {
    onBatch: (p) =>
      bar.update(
        p.batch,
        p.batches,
        `epoch ${p.epoch}/${settings.epochs} loss ${p.loss.toFixed(3)} top1 ${percent(p.top1)} ${p.imagesPerSec.toFixed(0)} img/s`,
      ),
    onEpoch: (m, timing) => {
      bar.stop();
      process.stderr.write(
        `epoch ${m.epoch}: loss ${m.trainLoss.toFixed(3)} train ${percent(m.trainTop1)} valid ${percent(m.validTop1)} lr ${m.learningRate.toPrecision(3)} ${timing.imagesPerSec.toFixed(0)} img/s\n`,
      );
    },
  };
  const result = await (data !== undefined
    ? trainNetwork(arch, data, {
        ...options,
        ...callbacks,
      })
    : trainInWorkers(
        { arch, dataFolder: args.data, dataOptions, backend: backend as BackendName, options },
        workers,
        callbacks,
      )
  ).finally(() => bar.stop());
  const summary = {
    testTop1: result.testTop1,
    params: result.params,
    epochs: result.epochs.length,
    backend,
  };
  process.stdout.write(
    args.json
      ? `${JSON.stringify(summary)}\n`
      : `test top-1 ${percent(result.testTop1)} after ${summary.epochs} epochs, ${result.params} parameters (backend ${backend}); model in ${join(args.out, "model")}\n`,
  );
}

/** The flag that sets each recorded setting of a training run (the rest only a search sets). */
const flagOf: Partial<Record<keyof TrainRunKey, string>> = {
  arch: "--arch",
  backend: "--backend",
  epochs: "--epochs",
  batch: "--batch",
  learningRate: "--lr",
  momentum: "--momentum",
  weightDecay: "--wd",
  clipNorm: "--clip",
  seed: "--seed",
  imagesPerClass: "--images-per-class",
  workers: "--workers",
};

/** --resume continues a run only with the flags it was started with (else it ends elsewhere). */
function checkResumable(out: string, saved: TrainRunKey, current: TrainRunKey): void {
  const field = runKeyDifference(saved, current);
  if (!field) return;
  const shown =
    field === "arch" ? "another arch file" : `was ${saved[field]}, now ${current[field]}`;
  throw new InputError(
    `--resume: ${flagOf[field] ?? field} differs from the run in ${trainCheckpointPath(out)} (${shown}); pass the flags it was started with or choose another --out`,
  );
}
