import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadTrainingData } from "../data/trainingData.js";
import { InputError } from "../errors.js";
import { readArchFile } from "../model/archFile.js";
import { type BackendName, selectBackend } from "../train/backend.js";
import { trainNetwork } from "../train/trainNetwork.js";
import { percent } from "./format.js";
import { progressBar } from "./progress.js";
import { type TrainArgs, trainSettings } from "./train.js";

export async function runTrainCommand(args: TrainArgs): Promise<void> {
  const settings = trainSettings(args);
  const arch = readArchFile(args.arch);
  if (!args.resume && existsSync(join(args.out, "checkpoint.json"))) {
    throw new InputError(
      `--out: ${args.out} already holds a training run; pass --resume or choose another folder`,
    );
  }
  const backend = await selectBackend(args.backend as BackendName | undefined);
  process.stderr.write(`uboost train: tfjs backend ${backend}\n`);
  const data = await loadTrainingData(args.data, {
    resolution: arch.shape.resolution,
    imagesPerClass: settings.imagesPerClass,
    validationFraction: 0.1,
    seed: settings.seed,
  });
  const bar = progressBar();
  const result = await trainNetwork(arch, data, {
    ...settings,
    outDir: args.out,
    resume: args.resume,
    backend,
    onBatch: (p) =>
      bar.update(
        p.batch,
        p.batches,
        `epoch ${p.epoch + 1}/${settings.epochs} loss ${p.loss.toFixed(3)} top1 ${percent(p.top1)} ${p.imagesPerSec.toFixed(0)} img/s`,
      ),
    onEpoch: (m) => {
      bar.stop();
      process.stderr.write(
        `epoch ${m.epoch + 1}: loss ${m.trainLoss.toFixed(3)} train ${percent(m.trainTop1)} valid ${percent(m.validTop1)} lr ${m.learningRate.toPrecision(3)} ${m.imagesPerSec.toFixed(0)} img/s\n`,
      );
    },
  }).finally(() => bar.stop());
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
