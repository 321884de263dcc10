import * as tf from "@tensorflow/tfjs";
import type { ImageSet } from "../../data/imageSet.js";
import { applyStatistics, type StatisticsLog } from "../../model/batchNorm.js";
import { softmaxCrossEntropy as crossEntropy } from "../../model/ops/crossEntropy.js";
import type { Lockstep } from "../../pool/lockstep.js";
import { correctCount } from "../../train/metrics.js";
import type { Sgd } from "../../train/sgd.js";
import { combineShares, gradientTensors, takeShard } from "../../train/shards.js";
import { type CombineShares, trainStep } from "../../train/step.js";

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
 * With a lockstep group each rank takes its share of every batch and the ranks combine their
 * gradients (../../train/shards.ts); every rank draws the same Gumbel samples and cost terms.
 */
export function searchEpoch(
  model: StageModel,
  data: ImageSet,
  options: {
    batch: number;
    seed: number;
    weightShare: number;
    sgd: Sgd;
    adam: tf.Optimizer;
    lockstep?: Lockstep;
  },
  onBatch?: (progress: EpochProgress) => void,
): EpochResult {
  const { lockstep } = options;
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
    const shard = takeShard(x, y, lockstep);
    if (index < weightBatches) {
      const statistics: StatisticsLog = [];
      let batchCorrect = 0;
      const combine: CombineShares | undefined =
        lockstep &&
        ((grads, shardLoss) => {
          const shared = combineShares(lockstep, shard, model.weightVariables, grads, statistics, [
            shardLoss * shard.weight,
            shard.images > 0 ? batchCorrect : 0,
          ]);
          batchCorrect = shared.totals[1];
          return { grads: shared.grads, loss: shared.totals[0] };
        });
      const { loss } = trainStep(
        () => {
          const logits = model.logits(shard.x, step, statistics);
          batchCorrect = correctCount(logits, shard.y);
          return crossEntropy(logits, shard.y);
        },
        model.weightVariables,
        options.sgd,
        combine,
      );
      correct += batchCorrect;
      applyStatistics(statistics);
      lossSum += loss * x.shape[0];
      seen += x.shape[0];
    } else {
      // Batch statistics as in the weight steps, but the running averages are left alone.
      const scratch: StatisticsLog = [];
      const archLoss = () => {
        const ce = crossEntropy(model.logits(shard.x, step, scratch), shard.y);
        return tf.add(ce, model.costTerm(step)) as tf.Scalar;
      };
      if (lockstep) {
        // Σ shares·(CE_share + cost) = CE + cost: the cost term rides along in every share.
        const { value, grads } = tf.variableGrads(archLoss, model.archVariables);
        const shared = combineShares(lockstep, shard, model.archVariables, grads, [], []);
        const summed = gradientTensors(model.archVariables, shared.grads);
        options.adam.applyGradients(summed);
        tf.dispose([value, grads, summed]);
      } else {
        options.adam.minimize(archLoss, false, model.archVariables);
      }
    }
    tf.dispose([x, y, shard.x, shard.y]);
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
