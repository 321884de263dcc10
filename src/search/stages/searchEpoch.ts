import * as tf from "@tensorflow/tfjs";
import type { ImageSet } from "../../data/imageSet.js";
import { applyStatistics, discardStatistics, type StatisticsLog } from "../../model/batchNorm.js";
import { softmaxCrossEntropy as crossEntropy } from "../../model/ops/crossEntropy.js";
import { correctCount } from "../../train/metrics.js";
import type { Sgd } from "../../train/sgd.js";
import { trainStep } from "../../train/step.js";

/** What a search stage plugs into the shared epoch loop. */
export interface StageModel {
  /** logits with architecture weights sampled for this step (constants in weight steps) */
  logits(x: tf.Tensor4D, step: number, statistics: StatisticsLog | undefined): tf.Tensor2D;
  /** λ·latency − β·utilization at the step's architecture sample (differentiable) */
  costTerm(step: number): tf.Scalar;
  weightVariables: tf.Variable[];
  archVariables: tf.Variable[];
}

export interface EpochProgress {
  batch: number;
  batches: number;
  loss: number;
  top1: number;
}

export interface EpochResult {
  trainLoss: number;
  trainTop1: number;
}

/**
 * One search epoch (paper Table 6): the first `weightShare` of the batches train the network
 * weights with SGD, the rest train the architecture logits with Adam on CE + λ·lat − β·util.
 */
export function searchEpoch(
  model: StageModel,
  data: ImageSet,
  options: { batch: number; seed: number; weightShare: number; sgd: Sgd; adam: tf.Optimizer },
  onBatch?: (progress: EpochProgress) => void,
): EpochResult {
  const batches = Math.max(2, Math.floor(data.count / options.batch));
  const weightBatches = Math.max(
    1,
    Math.min(batches - 1, Math.round(options.weightShare * batches)),
  );
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  let index = 0;
  for (const { x, y } of data.batches(options.batch, { seed: options.seed, augment: true })) {
    const step = options.seed * 100_000 + index;
    if (index < weightBatches) {
      const statistics: StatisticsLog = [];
      const { loss } = trainStep(
        () => {
          const logits = model.logits(x, step, statistics);
          correct += correctCount(logits, y);
          return crossEntropy(logits, y);
        },
        model.weightVariables,
        options.sgd,
      );
      applyStatistics(statistics);
      lossSum += loss * x.shape[0];
      seen += x.shape[0];
    } else {
      // Batch statistics as in the weight steps, but the running averages are left alone.
      const scratch: StatisticsLog = [];
      options.adam.minimize(
        () => {
          const ce = crossEntropy(model.logits(x, step, scratch), y);
          return tf.add(ce, model.costTerm(step)) as tf.Scalar;
        },
        false,
        model.archVariables,
      );
      discardStatistics(scratch);
    }
    tf.dispose([x, y]);
    index++;
    onBatch?.({
      batch: index,
      batches,
      loss: lossSum / Math.max(seen, 1),
      top1: correct / Math.max(seen, 1),
    });
    if (index >= batches) break;
  }
  return { trainLoss: lossSum / Math.max(seen, 1), trainTop1: correct / Math.max(seen, 1) };
}
