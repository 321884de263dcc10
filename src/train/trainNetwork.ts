import { mkdirSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { TrainingData } from "../data/imageSet.js";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "../files/atomicWrite.js";
import { type ArchFile, archNetwork } from "../model/archFile.js";
import { applyStatistics, type StatisticsLog } from "../model/batchNorm.js";
import { forward } from "../model/forward.js";
import { softmaxCrossEntropy as crossEntropy } from "../model/ops/crossEntropy.js";
import { createParams, disposeParams, trainableVariables } from "../model/params.js";
import type { Lockstep } from "../pool/lockstep.js";
import { hasCheckpoint, restoreCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { correctCount, evaluateTop1, numberEpochs } from "./metrics.js";
import {
  runKeyDifference,
  savedRunKey,
  type TrainRunKey,
  trainCheckpointName,
  trainCheckpointPath,
  trainRunKey,
} from "./runKey.js";
import { saveModel } from "./savedModel.js";
import { oneCycle, stepLearningRate } from "./schedule.js";
import { createSgd } from "./sgd.js";
import { combineShares, takeShard } from "./shards.js";
import { type CombineShares, trainStep } from "./step.js";

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
  /** the training subset `data` was cut to (0: all); recorded so a resumed run must match it */
  imagesPerClass: number;
  outDir: string;
  resume: boolean;
  /** recorded in the outputs */
  backend: string;
  /**
   * Data-parallel training: this thread's rank among the worker threads that share every batch
   * (shards.ts). Rank 0 writes the files; every rank returns the same result.
   */
  lockstep?: Lockstep;
  onBatch?: (progress: {
    epoch: number;
    batch: number;
    batches: number;
    loss: number;
    top1: number;
    imagesPerSec: number;
  }) => void;
  onEpoch?: (metrics: EpochMetrics, timing: EpochTiming) => void;
}

/** An epoch's figures: a function of the seed and backend (metrics.jsonl). */
export interface EpochMetrics {
  /** counted from 1, as the console shows it */
  epoch: number;
  learningRate: number;
  trainLoss: number;
  trainTop1: number;
  validTop1: number;
}

/** An epoch's wall-clock figures, kept apart from the metrics (timing.jsonl). */
export interface EpochTiming {
  /** counted from 1 */
  epoch: number;
  seconds: number;
  imagesPerSec: number;
}

export interface TrainResult {
  testTop1: number;
  epochs: EpochMetrics[];
  params: number;
}

interface CheckpointState {
  run: TrainRunKey;
  history: EpochMetrics[];
  timing: EpochTiming[];
}

/**
 * Trains the network an arch file describes from scratch (SGD + momentum + weight decay +
 * gradient clipping, step or one-cycle schedule), writing metrics.jsonl, timing.jsonl and a checkpoint every
 * epoch and the model in the tfjs weights format (model.json + weights.bin) at the end. Its
 * variables are released however it ends, so a caller that retries in the same thread (a Pareto
 * task) does not accumulate them.
 */
export async function trainNetwork(
  arch: ArchFile,
  data: TrainingData,
  options: TrainOptions,
): Promise<TrainResult> {
  const { lockstep } = options;
  const writes = !lockstep || lockstep.rank === 0;
  if (writes) mkdirSync(options.outDir, { recursive: true });
  const run = trainRunKey(arch, { ...options, workers: lockstep?.ranks ?? 1 });
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
  try {
    const checkpointVariables = new Map(params.named);
    for (const [key, variable] of params.named)
      if (variable.trainable) checkpointVariables.set(`velocity/${key}`, sgd.velocityOf(variable));
    const state: CheckpointState = { run, history: [], timing: [] };
    if (options.resume && hasCheckpoint(options.outDir, trainCheckpointName)) {
      const saved = savedRunKey(options.outDir);
      const differs = saved && runKeyDifference(saved, run);
      if (differs) {
        throw new InputError(
          `${trainCheckpointPath(options.outDir)}: the checkpoint is of a run with another ${differs}; resume with the same settings or start another`,
        );
      }
      const restored = restoreCheckpoint<CheckpointState>(
        options.outDir,
        trainCheckpointName,
        checkpointVariables,
      );
      tf.dispose(Object.values(restored.rest));
      if (!Array.isArray(restored.state.history)) {
        throw new InputError(
          `${trainCheckpointPath(options.outDir)}: not a training checkpoint (no history)`,
        );
      }
      // checkpoints from before epochs were counted from 1 hold 0, 1, …
      state.history = numberEpochs(restored.state.history);
      state.timing = numberEpochs(restored.state.timing ?? []);
    }
    const logits = (x: tf.Tensor4D, statistics?: StatisticsLog) =>
      forward(arch.space, plan, params, x, { statistics });
    for (let epoch = state.history.length; epoch < options.epochs; epoch++) {
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
        const shard = takeShard(x, y, lockstep);
        const statistics: StatisticsLog = [];
        let batchCorrect = 0;
        const combine: CombineShares | undefined =
          lockstep &&
          ((grads, shardLoss) => {
            const shared = combineShares(lockstep, shard, variables, grads, statistics, [
              shardLoss * shard.weight,
              shard.images > 0 ? batchCorrect : 0,
            ]);
            batchCorrect = shared.totals[1];
            return { grads: shared.grads, loss: shared.totals[0] };
          });
        const { loss } = trainStep(
          () => {
            const out = logits(shard.x, statistics);
            batchCorrect = correctCount(out, shard.y);
            return crossEntropy(out, shard.y);
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
          combine,
        );
        correct += batchCorrect;
        applyStatistics(statistics);
        lossSum += loss * x.shape[0];
        seen += x.shape[0];
        tf.dispose([x, y, shard.x, shard.y]);
        batch++;
        const imagesPerSec = seen / ((performance.now() - started) / 1e3);
        options.onBatch?.({
          epoch: epoch + 1,
          batch,
          batches,
          loss: lossSum / seen,
          top1: correct / seen,
          imagesPerSec,
        });
      }
      const seconds = (performance.now() - started) / 1e3;
      const validTop1 = evaluateTop1(data.validation, 256, (x) => logits(x), lockstep);
      const metrics: EpochMetrics = {
        epoch: epoch + 1,
        learningRate,
        trainLoss: lossSum / seen,
        trainTop1: correct / seen,
        validTop1,
      };
      const timing: EpochTiming = { epoch: epoch + 1, seconds, imagesPerSec: seen / seconds };
      state.history.push(metrics);
      state.timing.push(timing);
      if (writes) {
        await saveCheckpoint(options.outDir, trainCheckpointName, checkpointVariables, state);
        writeLines(
          join(options.outDir, "metrics.jsonl"),
          state.history.map((m) => ({ ...m, backend: options.backend })),
        );
        writeLines(join(options.outDir, "timing.jsonl"), state.timing);
      }
      options.onEpoch?.(metrics, timing);
    }
    const testTop1 = evaluateTop1(data.test, 256, (x) => logits(x), lockstep);
    if (writes) {
      await saveModel(options.outDir, arch, params.named, {
        testTop1,
        normalization: data.normalization,
      });
    }
    const parameterCount = variables.reduce((sum, v) => sum + v.size, 0);
    return { testTop1, epochs: state.history, params: parameterCount };
  } finally {
    sgd.dispose();
    disposeParams(params);
  }
}

function writeLines(path: string, rows: object[]): void {
  writeFileAtomic(path, `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`);
}
