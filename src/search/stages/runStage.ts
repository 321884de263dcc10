import { createHash } from "node:crypto";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { TrainingData } from "../../data/imageSet.js";
import { InputError } from "../../errors.js";
import type { NetworkParams } from "../../model/params.js";
import type { Lockstep } from "../../pool/lockstep.js";
import { hasCheckpoint, restoreCheckpoint, saveCheckpoint } from "../../train/checkpoint.js";
import { evaluateTop1 } from "../../train/metrics.js";
import { stepDecay } from "../../train/schedule.js";
import { createSgd } from "../../train/sgd.js";
import type { CostBridge } from "../costBridge.js";
import type { CostTerms } from "../costRules.js";
import type { MetricsRow, SearchState } from "../searchState.js";
import { type SearchSettings, temperature } from "../settings.js";
import { type EpochProgress, type StageModel, searchEpoch } from "./searchEpoch.js";

/** What stages 1 and 2 share: a model, its architecture logits and its cost terms. */
export interface SearchStage {
  model: StageModel;
  params: NetworkParams;
  /** alpha (ops per edge) or the channel logits */
  archLogits: tf.Variable;
  cost: { bridge: CostBridge };
  tau: number;
  /** softmax of the architecture logits, one row per edge (micro) or slot (channel) */
  probabilities(): number[][];
  evalLogits(x: tf.Tensor4D): tf.Tensor2D;
  expectedCost(): ExpectedCost;
}

/** The expected architecture's cost figures, as metrics.jsonl names them. */
export type ExpectedCost = Pick<MetricsRow, "latencyMs" | "utilization" | "utilizationTerm">;

/** Cost terms as numbers (call inside tf.tidy). */
export function expectedCostOf(terms: CostTerms): ExpectedCost {
  return {
    latencyMs: terms.latencyMs.dataSync()[0],
    utilization: terms.networkUtil.dataSync()[0],
    utilizationTerm: terms.util.dataSync()[0],
  };
}

export interface StageRun {
  name: "micro" | "channel";
  epochs: number;
  settings: SearchSettings;
  data: TrainingData;
  outDir: string;
  state: SearchState;
  /** persists state.json, metrics.jsonl and probabilities.jsonl (a no-op on every rank but the first) */
  save: () => void;
  /** data-parallel: this thread's rank; only rank 0 writes */
  lockstep?: Lockstep;
  onBatch?: (progress: EpochProgress & { stage: string; epoch: number; epochs: number }) => void;
  onEpoch?: (row: MetricsRow) => void;
}

/** A stage checkpoint's state: its epochs done, Adam's tensors by name, the search it belongs to. */
interface StageCheckpoint {
  epochsDone?: number;
  /** from before epochsDone: the last epoch done, counted from 0 */
  epoch?: number;
  adam: string[];
  /** searchDigest of the search that wrote it (absent in checkpoints from before digests) */
  search?: string;
}

/** The settings and backend a search's numbers depend on, as one SHA-256. */
function searchDigest(state: SearchState): string {
  const key = JSON.stringify({ settings: state.settings, backend: state.backend });
  return createHash("sha256").update(key).digest("hex");
}

function checkStageCheckpoint(
  state: StageCheckpoint,
  rest: tf.NamedTensorMap,
  belongsTo: string,
  path: string,
): void {
  const adamOk =
    Array.isArray(state.adam) && state.adam.every((key) => typeof key === "string" && key in rest);
  const epochsDone = state.epochsDone ?? (state.epoch ?? Number.NaN) + 1;
  if (!Number.isSafeInteger(epochsDone) || epochsDone < 1 || !adamOk) {
    tf.dispose(Object.values(rest));
    throw new InputError(`${path}: not a search stage checkpoint (epochsDone or adam missing)`);
  }
  if (state.search !== undefined && state.search !== belongsTo) {
    tf.dispose(Object.values(rest));
    throw new InputError(
      `${path}: the checkpoint belongs to a search with other settings; start without --resume or choose another --out`,
    );
  }
}

/**
 * Runs a search stage epoch by epoch with the authors' optimizers (their search defaults: SGD with
 * momentum 0.8, weight decay 3e-4 and gradient-norm clip 0.5 on the weights, lr × 0.5 every 30
 * epochs of the stage; Adam with betas (0.9, 0.999) and no weight decay on the architecture
 * logits), checkpointing after every epoch so --resume picks up where it stopped. Returns the
 * share of the stage's time spent in the cost model.
 */
export async function runStage(stage: SearchStage, run: StageRun): Promise<number> {
  const { settings } = run;
  const sgd = createSgd(stage.model.weightVariables, {
    learningRate: settings.weightLr,
    momentum: settings.weightMomentum,
    weightDecay: 3e-4,
    maxGradNorm: 0.5,
  });
  const adam = tf.train.adam(settings.archLr, 0.9, 0.999);
  const checkpoint = `checkpoint-${run.name}`;
  const variables = new Map<string, tf.Variable>(stage.params.named);
  variables.set("arch", stage.archLogits);
  for (const [key, variable] of stage.params.named)
    if (variable.trainable) variables.set(`velocity/${key}`, sgd.velocityOf(variable));
  try {
    let firstEpoch = 0;
    const belongsTo = searchDigest(run.state);
    if (hasCheckpoint(run.outDir, checkpoint)) {
      const { state, rest } = restoreCheckpoint<StageCheckpoint>(run.outDir, checkpoint, variables);
      checkStageCheckpoint(state, rest, belongsTo, join(run.outDir, `${checkpoint}.json`));
      firstEpoch = state.epochsDone ?? (state.epoch as number) + 1;
      // Adam keeps its moments by position in the variable list, so names are only labels here.
      await adam.setWeights(state.adam.map((key) => ({ name: key, tensor: rest[key] })));
    }
    // state.json is saved before the checkpoint: rows of epochs the checkpoint does not hold
    // (a run killed between the two writes) are trained again, not kept twice
    const held = (row: { stage: string; epoch: number }) =>
      row.stage !== run.name || row.epoch <= firstEpoch;
    run.state.metrics = run.state.metrics.filter(held);
    run.state.probabilities = (run.state.probabilities ?? []).filter(held);
    const started = performance.now();
    const surfaceAtStart = stage.cost.bridge.surfaceMs();
    for (let epoch = firstEpoch; epoch < run.epochs; epoch++) {
      stage.tau = temperature(epoch);
      const result = searchEpoch(
        stage.model,
        run.data.train,
        {
          batch: settings.batch,
          seed: settings.seed * 1000 + epoch + (run.name === "channel" ? 500 : 0),
          weightShare: settings.weightShare,
          sgd: {
            ...sgd,
            step: (grads) => sgd.step(grads, stepDecay(settings.weightLr, epoch, 30, 0.5)),
          },
          adam,
          lockstep: run.lockstep,
        },
        (progress) =>
          run.onBatch?.({ ...progress, stage: run.name, epoch: epoch + 1, epochs: run.epochs }),
      );
      const validTop1 = evaluateTop1(
        run.data.validation,
        256,
        (x) => stage.evalLogits(x),
        run.lockstep,
      );
      const row: MetricsRow = {
        stage: run.name,
        epoch: epoch + 1,
        ...result,
        validTop1,
        ...stage.expectedCost(),
        tau: stage.tau,
      };
      run.state.metrics.push(row);
      run.state.probabilities.push({
        stage: run.name,
        epoch: row.epoch,
        probabilities: stage.probabilities(),
      });
      run.save();
      if (!run.lockstep || run.lockstep.rank === 0) {
        const adamState = await adam.getWeights();
        const withAdam = new Map<string, tf.Tensor>(variables);
        for (const [i, { tensor }] of adamState.entries()) withAdam.set(`adam/${i}`, tensor);
        const saved: StageCheckpoint = {
          epochsDone: epoch + 1,
          adam: adamState.map((_, i) => `adam/${i}`),
          search: belongsTo,
        };
        await saveCheckpoint(run.outDir, checkpoint, withAdam, saved);
      }
      run.onEpoch?.(row);
    }
    return (
      (stage.cost.bridge.surfaceMs() - surfaceAtStart) / Math.max(performance.now() - started, 1e-9)
    );
  } finally {
    sgd.dispose();
    adam.dispose();
  }
}
