import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { TrainingData } from "../data/imageSet.js";
import { writeFileAtomic } from "../files/atomicWrite.js";
import { saveTensors } from "../files/tensorFiles.js";
import { type ArchFile, archNetwork } from "../model/archFile.js";
import { applyStatistics, type StatisticsLog } from "../model/batchNorm.js";
import { forward } from "../model/forward.js";
import { createParams, disposeParams, trainableVariables } from "../model/params.js";

import { hasCheckpoint, restoreCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { correctCount, evaluateTop1 } from "./metrics.js";
import { softmaxCrossEntropy as crossEntropy } from "./ops/crossEntropy.js";
import { oneCycle, stepLearningRate } from "./schedule.js";
import { createSgd } from "./sgd.js";
import { trainStep } from "./step.js";

export interface TrainOptions {
  epochs: number;
  batch: number;
  learningRate: number;
  momentum: number;
  weightDecay: number;
  clipNorm: number;
  /** "step" (default): lr × 0.1 at 1/2 and 3/4 of the epochs; "one-cycle": OneCycleLR per batch */
  schedule?: "step" | "one-cycle";
  nesterov?: boolean;
  seed: number;
  outDir: string;
  resume: boolean;
  /** recorded in the outputs */
  backend: string;
  onBatch?: (progress: {
    epoch: number;
    batch: number;
    batches: number;
    loss: number;
    top1: number;
    imagesPerSec: number;
  }) => void;
  onEpoch?: (metrics: EpochMetrics) => void;
}

export interface EpochMetrics {
  epoch: number;
  learningRate: number;
  trainLoss: number;
  trainTop1: number;
  validTop1: number;
  imagesPerSec: number;
}

export interface TrainResult {
  testTop1: number;
  epochs: EpochMetrics[];
  params: number;
}

const checkpointName = "checkpoint";

/**
 * Trains the network an arch file describes from scratch (SGD + momentum + weight decay +
 * gradient clipping, step schedule), writing metrics.jsonl and a checkpoint every epoch and the
 * model in the tfjs weights format (model.json + weights.bin) at the end.
 */
export async function trainNetwork(
  arch: ArchFile,
  data: TrainingData,
  options: TrainOptions,
): Promise<TrainResult> {
  mkdirSync(options.outDir, { recursive: true });
  const { plan, channels } = archNetwork(arch);
  const params = createParams(plan, channels, options.seed);
  const variables = trainableVariables(params);
  const sgd = createSgd(variables, {
    learningRate: options.learningRate,
    momentum: options.momentum,
    weightDecay: options.weightDecay,
    maxGradNorm: options.clipNorm > 0 ? options.clipNorm : undefined,
    nesterov: options.nesterov,
  });
  const checkpointVariables = new Map(params.named);
  for (const [key, variable] of params.named)
    if (variable.trainable) checkpointVariables.set(`velocity/${key}`, sgd.velocityOf(variable));
  let history: EpochMetrics[] = [];
  if (options.resume && hasCheckpoint(options.outDir, checkpointName)) {
    const restored = restoreCheckpoint<{ history: EpochMetrics[] }>(
      options.outDir,
      checkpointName,
      checkpointVariables,
    );
    history = restored.state.history;
    tf.dispose(Object.values(restored.rest));
  }
  const logits = (x: tf.Tensor4D, statistics?: StatisticsLog) =>
    forward(arch.space, plan, params, x, { statistics });
  for (let epoch = history.length; epoch < options.epochs; epoch++) {
    const batches = Math.ceil(data.train.count / options.batch);
    const stepRate = stepLearningRate(options.learningRate, epoch, options.epochs);
    const rateAt = (batch: number) =>
      options.schedule === "one-cycle"
        ? oneCycle(options.learningRate, epoch * batches + batch, options.epochs * batches)
        : { learningRate: stepRate, momentum: options.momentum };
    const learningRate = rateAt(0).learningRate;
    const started = performance.now();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let batch = 0;
    for (const { x, y } of data.train.batches(options.batch, {
      seed: options.seed * 10_007 + epoch,
      augment: true,
    })) {
      const statistics: StatisticsLog = [];
      const { loss } = trainStep(
        () => {
          const out = logits(x, statistics);
          correct += correctCount(out, y);
          return crossEntropy(out, y);
        },
        variables,
        {
          step: (grads) => {
            const rate = rateAt(batch);
            return sgd.step(grads, rate.learningRate, rate.momentum);
          },
          dispose: () => {},
          velocityOf: sgd.velocityOf,
        },
      );
      applyStatistics(statistics);
      lossSum += loss * x.shape[0];
      seen += x.shape[0];
      tf.dispose([x, y]);
      batch++;
      const imagesPerSec = seen / ((performance.now() - started) / 1e3);
      options.onBatch?.({
        epoch,
        batch,
        batches,
        loss: lossSum / seen,
        top1: correct / seen,
        imagesPerSec,
      });
    }
    const imagesPerSec = seen / ((performance.now() - started) / 1e3);
    const validTop1 = evaluateTop1(data.validation, 256, (x) => logits(x));
    const metrics = {
      epoch,
      learningRate,
      trainLoss: lossSum / seen,
      trainTop1: correct / seen,
      validTop1,
      imagesPerSec,
    };
    history.push(metrics);
    await saveCheckpoint(options.outDir, checkpointName, checkpointVariables, { history });
    writeFileAtomic(
      join(options.outDir, "metrics.jsonl"),
      `${history.map((m) => JSON.stringify({ ...m, backend: options.backend })).join("\n")}\n`,
    );
    options.onEpoch?.(metrics);
  }
  const testTop1 = evaluateTop1(data.test, 256, (x) => logits(x));
  await saveModel(options.outDir, arch, params.named, testTop1);
  const parameterCount = variables.reduce((sum, v) => sum + v.size, 0);
  sgd.dispose();
  disposeParams(params);
  return { testTop1, epochs: history, params: parameterCount };
}

/** model.json (the arch as topology, tfjs weights manifest) + weights.bin. */
async function saveModel(
  dir: string,
  arch: ArchFile,
  named: Map<string, tf.Variable>,
  testTop1: number,
) {
  mkdirSync(join(dir, "model"), { recursive: true });
  await saveTensors(join(dir, "model"), "model.json", "weights.bin", named, {
    format: "uboost-network/1",
    generatedBy: "uboost train",
    modelTopology: arch,
    userDefinedMetadata: { testTop1 },
  });
  writeFileSync(
    join(dir, "model", "README.txt"),
    "Load with tf.io: the weights manifest is tfjs's; modelTopology is the uboost arch file.\n",
  );
}
