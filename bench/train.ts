/**
 * Training throughput with tfjs on every available backend, measured in one run: images/s of a
 * full SGD step (forward, backward, momentum update, batch-norm statistics) of two networks built
 * from a description by the model builder that search and train use (src/model/):
 *   (a) plain: stem conv 3→64, three cells of two 3×3 conv-BN-ReLU at 64 channels (the cell's
 *       pre layer and one conv3x3 edge) each followed by a 2×2 max-pool, flatten, dense 10;
 *       32×32 inputs;
 *   (b) mixed: the same skeleton whose cell edge is the search's mixed op over every op of the
 *       U-Boost space (conv, depthwise-separable and dilated convs, 3×3 and 5×5, identity, zero),
 *       as the microarchitecture supernet runs it.
 * Each backend's ceiling is its forward conv2d speed (3×3, 64 → 64, 32×32, through the op the
 * networks use, so the onnxruntime backend's is its native kernel's); `gflops` counts a
 * step as three forward passes (forward, input gradient, filter gradient). The slow pure-JS cpu
 * backend runs a smaller batch, a single timed step and a single round. With `workers`, both networks also train
 * data-parallel on that many worker threads (trainWorker.ts), in lockstep and, for the machine's
 * ceiling, as independent ranks that never combine; every figure is measured in each of `rounds`
 * rounds (trainRounds.ts) and reported as the median. With `againstTorch`, the same networks run
 * in PyTorch (anchors/torch_train.py), checked equal by parameters and MACs.
 */
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { totalMacs } from "../src/layers/macs.js";
import { type ArchFile, archNetwork } from "../src/model/archFile.js";
import { applyStatistics, type StatisticsLog } from "../src/model/batchNorm.js";
import { forward } from "../src/model/forward.js";
import { conv2d } from "../src/model/ops/conv2d.js";
import { softmaxCrossEntropy } from "../src/model/ops/crossEntropy.js";
import { createParams, disposeParams, trainableVariables } from "../src/model/params.js";
import { convLayers, type NetworkPlan, planLayers, planNetwork } from "../src/model/plan.js";
import { type SearchSpace, uboostSpace } from "../src/model/space.js";
import type { Lockstep } from "../src/pool/lockstep.js";
import { runLockstep } from "../src/pool/lockstepRun.js";
import { projectRoot } from "../src/projectRoot.js";
import { availableBackends, type BackendName, selectBackend } from "../src/train/backend.js";
import { createSgd } from "../src/train/sgd.js";
import { combineShares, takeShard } from "../src/train/shards.js";
import { type CombineShares, trainStep } from "../src/train/step.js";
import { runTorchAnchor, type TorchAnchor } from "./torchAnchor.js";
import { type RoundFigures, type RoundsSummary, summarizeRounds } from "./trainRounds.js";
import type { ParallelBenchTask, ParallelBenchTimes } from "./trainWorker.js";

export interface TrainBenchOptions {
  /** default: every backend that loads here */
  backends?: string[];
  /** timed steps per network on the fast backends, after one warm-up step (default 3) */
  steps?: number;
  /** images per step on the fast backends and the PyTorch anchor (default 64) */
  batch?: number;
  /** also train both networks data-parallel on this many worker threads (`parallel`) */
  workers?: number;
  /** times every figure is measured, one thread and workers back to back (default 3) */
  rounds?: number;
  /** also time the same networks in PyTorch at 1 and `workers` threads (`torch`) */
  againstTorch?: boolean;
  onProgress?: (stage: string, done: number, total: number) => void;
}

/**
 * One backend's figures: each the median over the rounds (`rounds` holds every round's own);
 * `gflops` counts 3 × the forward FLOPs of (a) per step, `convCeilingGflops` is the forward 3×3
 * conv, 64 → 64, 32×32, at this batch; `step` and `mixedStep` say where a step of (a) and of (b)
 * spends its time; `parallel` is the same two networks on `workers` threads, in the same rounds.
 */
export interface BackendTrainResult extends RoundsSummary {
  batch: number;
  steps: number;
  convCeilingGflops: number;
  rounds: RoundFigures[];
}

export interface TrainBenchResult {
  backends: Record<string, BackendTrainResult>;
  /** PyTorch on the same networks (checked: equal parameter counts and MACs), same run */
  torch?: TorchAnchor & {
    /**
     * uboost's images/s ÷ PyTorch's at the same thread count, by backend, network and thread
     * count: uboost's 1 thread against torch's 1, its `workers` worker threads against torch's
     * `workers` threads
     */
    ratios: Record<string, TorchRatios>;
  };
}

/** One backend's images/s ÷ PyTorch's, by network and thread count. */
interface TorchRatios {
  plain: Record<string, number>;
  mixed: Record<string, number>;
}

const imageSize = 32;
const channels = 64;
const classes = 10;
const cellCount = 3;
/** images per step on the fast backends, unless `batch` says otherwise; the anchor runs the same */
const defaultBatch = 64;
/** timed steps per network on the fast backends, unless `steps` says otherwise; the anchor too */
const defaultSteps = 3;

/**
 * The pure-JS cpu backend does ≈ 1 GFLOP/s: a batch of 8, one timed step and one round keep it to
 * ~1 min.
 */
export function plan(backend: string, batch: number, steps: number, rounds: number) {
  return backend === "cpu" ? { batch: 8, steps: 1, rounds: 1 } : { batch, steps, rounds };
}

export async function benchTrain(options: TrainBenchOptions = {}): Promise<TrainBenchResult> {
  const backends = options.backends ?? (await availableBackends());
  const progress = options.onProgress ?? (() => {});
  const results: Record<string, BackendTrainResult> = {};
  const previous = tf.getBackend();
  for (const backend of backends) {
    await selectBackend(backend as BackendName);
    const { batch, steps, rounds } = plan(
      backend,
      options.batch ?? defaultBatch,
      options.steps ?? defaultSteps,
      options.rounds ?? 3,
    );
    const convCeiling = convCeilingGflops(batch);
    const measured: RoundFigures[] = [];
    for (let round = 1; round <= rounds; round++) {
      const report = (stage: string, done: number, total: number) =>
        progress(`${backend}, round ${round} of ${rounds}, ${stage}`, done, total);
      measured.push(
        await measureRound(backend as BackendName, batch, steps, options.workers, report),
      );
    }
    results[backend] = {
      batch,
      steps,
      convCeilingGflops: convCeiling,
      ...summarizeRounds(measured, options.workers),
      rounds: measured,
    };
  }
  if (previous) await tf.setBackend(previous);
  if (!options.againstTorch) return { backends: results };
  return { backends: results, torch: againstTorch(results, options) };
}

/**
 * One round on the selected backend: for each network, one thread on this thread, then (with
 * `workers`) the lockstep and the independent ranks, back to back.
 */
async function measureRound(
  backend: BackendName,
  batch: number,
  steps: number,
  workers: number | undefined,
  report: (stage: string, done: number, total: number) => void,
): Promise<RoundFigures> {
  const timed = async (network: BenchNetwork) => {
    const one = timeTraining(benchNetworks[network](), batch, steps, (done, total) =>
      report(network, done, total),
    );
    if (workers === undefined) return { one };
    const ranks = await runLockstep<ParallelBenchTask, ParallelBenchTimes>(
      join(projectRoot(), "dist", "bench", "trainWorker.js"),
      workers,
      { backend, network, batch, steps },
      (value) => {
        const { mode, done, total } = value as { mode: string; done: number; total: number };
        report(`${network}, ${workers} workers ${mode}`, done, total);
      },
    );
    return { one, ranks };
  };
  const plain = await timed("plain");
  const mixed = await timed("mixed");
  const figures: RoundFigures = {
    imagesPerSec: plain.one.imagesPerSec,
    gflops: plain.one.gflops,
    mixedImagesPerSec: mixed.one.imagesPerSec,
    mixedGflops: mixed.one.gflops,
    step: plain.one.step,
    mixedStep: mixed.one.step,
  };
  if (!plain.ranks || !mixed.ranks) return figures;
  figures.parallel = {
    imagesPerSec: plain.ranks.lockstep.imagesPerSec,
    mixedImagesPerSec: mixed.ranks.lockstep.imagesPerSec,
    step: plain.ranks.lockstep.step,
    mixedStep: mixed.ranks.lockstep.step,
    independent: {
      imagesPerSec: plain.ranks.independent.imagesPerSec,
      mixedImagesPerSec: mixed.ranks.independent.imagesPerSec,
    },
  };
  return figures;
}

/** Times the PyTorch anchor and checks its networks are ours: parameters and MACs equal. */
function againstTorch(
  results: Record<string, BackendTrainResult>,
  options: TrainBenchOptions,
): NonNullable<TrainBenchResult["torch"]> {
  const workers = options.workers ?? 1;
  const threads = [...new Set([1, workers])];
  const anchor = runTorchAnchor({
    threads,
    steps: options.steps ?? defaultSteps,
    batch: options.batch ?? defaultBatch,
  });
  for (const name of Object.keys(benchNetworks) as BenchNetwork[]) {
    const net = benchNetworks[name]();
    const ours = { params: parameterCount(net), macsPerImage: macsPerImage(net) };
    tf.dispose(net.opWeights ?? []);
    const theirs = anchor.networks[name];
    for (const field of ["params", "macsPerImage"] as const) {
      if (ours[field] !== theirs[field]) {
        throw new Error(
          `bench train: the PyTorch ${name} network is not ours (${field}: ${theirs[field]} vs ${ours[field]})`,
        );
      }
    }
  }
  const ratio = (uboost: number | undefined, torch: number) =>
    uboost === undefined ? Number.NaN : uboost / torch;
  // uboost's figures are medians over its rounds; the anchor is timed once
  const ratios: Record<string, TorchRatios> = {};
  for (const [backend, ours] of Object.entries(results)) {
    const plain: Record<string, number> = {};
    const mixed: Record<string, number> = {};
    for (const count of threads) {
      const key = String(count);
      const measured = count === 1 ? ours : ours.parallel;
      plain[key] = ratio(measured?.imagesPerSec, anchor.networks.plain.imagesPerSec[key]);
      mixed[key] = ratio(measured?.mixedImagesPerSec, anchor.networks.mixed.imagesPerSec[key]);
    }
    ratios[backend] = { plain, mixed };
  }
  return { ...anchor, ratios };
}

/** Trainable parameters, counted as PyTorch counts them. */
function parameterCount(net: Net): number {
  const params = createParams(net.plan, net.channels, 1);
  const count = trainableVariables(params).reduce((sum, variable) => sum + variable.size, 0);
  disposeParams(params);
  return count;
}

// ---------------------------------------------------------------------------------------------
// Networks

/** A cell of one node fed by one edge from the previous cell, choosing among `ops`. */
function oneEdgeSpace(ops: SearchSpace["ops"]): SearchSpace {
  return { ops, inputs: ["x_p", "x_pp"], nodes: ["t1"], edges: [["x_p", "t1"]] };
}

const shape = {
  layout: Array(cellCount).fill(true),
  resolution: imageSize,
  inChannels: 3,
  stemChannels: channels,
  classes,
};

/** (a) as an arch file: the one edge is a 3×3 conv; every layer 64 wide. */
function plainArch(): ArchFile {
  const space = oneEdgeSpace({ conv3x3: uboostSpace.ops.conv3x3 });
  const edges = [{ from: "x_p", to: "t1", op: "conv3x3", probabilities: { conv3x3: 1 } }];
  const plan = planNetwork(space, shape, ["conv3x3"]);
  const slots = convLayers(plan).map((layer) => ({ slot: layer.slot, channels }));
  return { format: "uboost-arch/2", space, shape, edges, channels: slots };
}

export interface Net {
  space: SearchSpace;
  plan: NetworkPlan;
  channels: Record<string, number>;
  /** the supernet's op weights (uniform), for the mixed network */
  opWeights?: tf.Tensor2D;
}

export function plainNet(): Net {
  const arch = plainArch();
  return { space: arch.space, ...archNetwork(arch) };
}

/** (b): the microarchitecture supernet of a one-edge cell over the whole U-Boost op table. */
export function mixedNet(): Net {
  const space = oneEdgeSpace(uboostSpace.ops);
  const plan = planNetwork(space, shape);
  const widths: Record<string, number> = { input: shape.inChannels };
  for (const layer of convLayers(plan)) widths[layer.slot] = channels;
  const ops = Object.keys(space.ops).length;
  const opWeights = tf.fill([space.edges.length, ops], 1 / ops) as tf.Tensor2D;
  return { space, plan, channels: widths, opWeights };
}

export type BenchNetwork = "plain" | "mixed";

export const benchNetworks: Record<BenchNetwork, () => Net> = { plain: plainNet, mixed: mixedNet };

/** Forward multiply-accumulates per image, by the cost model's count. */
function macsPerImage(net: Net): number {
  return totalMacs(planLayers(net.plan, net.channels, 1));
}

// ---------------------------------------------------------------------------------------------
// Timing

export interface TrainingTime {
  imagesPerSec: number;
  gflops: number;
  /**
   * Where a step's time goes: its seconds, and the shares of the forward pass (timed apart, in
   * evaluation mode) and of combining the ranks' gradients (waiting for the others included);
   * the rest is the backward pass and the update.
   */
  step: { seconds: number; forward: number; combine: number };
}

/**
 * Images/s of training `net` (after one warm-up step); with a lockstep group, this rank trains its
 * share of every batch and the figure counts the whole batch. Ranks that `combine` add up their
 * gradients and batch statistics every step; ranks that do not each apply their own update (the
 * same work less the combining) and stop the clock when the slowest has finished.
 */
export function timeTraining(
  net: Net,
  batch: number,
  steps: number,
  progress: (done: number, total: number) => void,
  ranks?: { lockstep: Lockstep; combine: boolean },
): TrainingTime {
  const lockstep = ranks?.lockstep;
  const params = createParams(net.plan, net.channels, 1);
  const variables = trainableVariables(params);
  const optimizer = createSgd(variables, {
    learningRate: 0.025,
    momentum: 0.9,
    weightDecay: 3e-4,
    maxGradNorm: 5,
  });
  const images = tf.randomNormal([batch, imageSize, imageSize, 3], 0, 1, "float32", 7);
  const classOf = tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % classes),
    "int32",
  );
  const shard = takeShard(images as tf.Tensor4D, classOf, lockstep);
  const { x, y: labels } = shard;
  let combineSeconds = 0;
  const step = () => {
    const statistics: StatisticsLog = [];
    const logits = () =>
      forward(net.space, net.plan, params, x, { statistics, opWeights: net.opWeights });
    const combine: CombineShares | undefined =
      lockstep && ranks?.combine
        ? (grads, loss) => {
            const began = performance.now();
            const shared = combineShares(lockstep, shard, variables, grads, statistics, [loss]);
            combineSeconds += (performance.now() - began) / 1e3;
            return { grads: shared.grads, loss: shared.totals[0] };
          }
        : undefined;
    trainStep(() => softmaxCrossEntropy(logits(), labels), variables, optimizer, combine);
    applyStatistics(statistics);
  };
  try {
    step(); // warm-up: XNNPACK operators, wasm heap growth
    progress(0, steps);
    const tensorsBefore = tf.memory().numTensors;
    const forwardSeconds = bestSeconds(
      () => tf.tidy(() => forward(net.space, net.plan, params, x, { opWeights: net.opWeights })),
      1,
    );
    lockstep?.barrier();
    combineSeconds = 0;
    const began = performance.now();
    for (let done = 1; done <= steps; done++) {
      step();
      progress(done, steps);
    }
    if (ranks && !ranks.combine) lockstep?.barrier();
    const seconds = (performance.now() - began) / 1e3;
    if (tf.memory().numTensors !== tensorsBefore) {
      throw new Error("bench train: a training step leaks tensors");
    }
    const imagesPerSec = (batch * steps) / seconds;
    const stepSeconds = seconds / steps;
    return {
      imagesPerSec,
      gflops: (3 * 2 * macsPerImage(net) * imagesPerSec) / 1e9,
      step: {
        seconds: stepSeconds,
        forward: forwardSeconds / stepSeconds,
        combine: combineSeconds / steps / stepSeconds,
      },
    };
  } finally {
    optimizer.dispose();
    disposeParams(params);
    tf.dispose([images, classOf, x, labels, ...(net.opWeights ? [net.opWeights] : [])]);
  }
}

/** Best of a few repetitions of f (which returns what it allocated), in seconds. */
function bestSeconds(f: () => tf.Tensor | tf.Tensor[], repetitions: number): number {
  tf.dispose(f());
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repetitions; i++) {
    const began = performance.now();
    const out = f();
    for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
    best = Math.min(best, (performance.now() - began) / 1e3);
    tf.dispose(out);
  }
  return best;
}

function convCeilingGflops(batch: number): number {
  const x = tf.randomNormal([batch, imageSize, imageSize, channels], 0, 1, "float32", 1);
  const filter = tf.randomNormal([3, 3, channels, channels], 0, 0.1, "float32", 2);
  const flops = 2 * batch * imageSize * imageSize * 9 * channels * channels;
  const seconds = bestSeconds(() => conv2d(x as tf.Tensor4D, filter as tf.Tensor4D), 3);
  tf.dispose([x, filter]);
  return flops / seconds / 1e9;
}
