/**
 * Training throughput with tfjs on every available backend, measured in one run: images/s of a
 * full SGD step (forward, backward, momentum update) for
 *   (a) a plain network: stem conv 3→64, three cells of two 3×3 conv-BN-ReLU at 64 channels and
 *       a 2×2 max-pool, global average pool, dense 10; 32×32 inputs;
 *   (b) the same skeleton whose cells also run one of each op the search uses (3×3, 5×5 and
 *       dilated convs, separable and dilated separable convs, 3×3 max-pool, identity, a stride-2
 *       conv), summed as a supernet's mixed op would.
 * Each backend's ceiling is its forward conv2d speed (3×3, 64 → 64, 32×32); `gflops` counts a
 * step as three forward passes (forward, input gradient, filter gradient). The slow pure-JS cpu
 * backend runs a smaller batch and a single timed step.
 *
 * `benchGradients` times each op's forward pass and both gradients on one shape (3×3, 64
 * channels, 16×16, batch 64) to show where a step's time goes.
 */
import * as tf from "@tensorflow/tfjs";
import { availableBackends, type BackendName, selectBackend } from "../src/train/backend.js";
import { conv2dBackpropFilter, conv2dBackpropInput } from "../src/train/gradients/conv2dGrad.js";
import {
  depthwiseConv2dBackpropFilter,
  depthwiseConv2dBackpropInput,
} from "../src/train/gradients/depthwiseConv2dGrad.js";
import { applyBatchNorm, type BatchNorm, createBatchNorm } from "../src/train/layers/batchNorm.js";
import {
  applyConv,
  type Conv,
  type ConvSpec,
  convMacs,
  createConv,
} from "../src/train/layers/conv.js";
import {
  applyConvBnRelu,
  type ConvBnRelu,
  createConvBnRelu,
} from "../src/train/layers/convBnRelu.js";
import { applyDense, createDense, type Dense } from "../src/train/layers/dense.js";
import {
  applyDepthwiseConv,
  createDepthwiseConv,
  type DepthwiseConv,
  depthwiseConvMacs,
} from "../src/train/layers/depthwiseConv.js";
import { type SeedStream, seedStream } from "../src/train/layers/init.js";
import { collectVariables } from "../src/train/layers/variables.js";
import { type ConvOptions, convConfig } from "../src/train/ops/convGeometry.js";
import { softmaxCrossEntropy } from "../src/train/ops/crossEntropy.js";
import { maxPool } from "../src/train/ops/maxPool.js";
import { createSgd } from "../src/train/sgd.js";
import { trainStep } from "../src/train/step.js";

export interface TrainBenchOptions {
  /** default: every backend that loads here */
  backends?: string[];
  /** timed steps per network on the fast backends, after one warm-up step (default 3) */
  steps?: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface BackendTrainResult {
  batch: number;
  steps: number;
  /** (a) the plain 3-cell network */
  imagesPerSec: number;
  /** (a): 3 × forward FLOPs per step / step time */
  gflops: number;
  /** forward 3×3 conv, 64 → 64, 32×32, at this batch */
  convCeilingGflops: number;
  /** (b) the mixed-op network */
  mixedImagesPerSec?: number;
  mixedGflops?: number;
}

export interface TrainBenchResult {
  backends: Record<string, BackendTrainResult>;
}

const imageSize = 32;
const channels = 64;
const classes = 10;
const cellCount = 3;

/** The pure-JS cpu backend does ≈ 1 GFLOP/s: a batch of 8 and one timed step keep it to ~1 min. */
function plan(backend: string, steps: number) {
  return backend === "cpu" ? { batch: 8, steps: 1 } : { batch: 64, steps };
}

export async function benchTrain(options: TrainBenchOptions = {}): Promise<TrainBenchResult> {
  const backends = options.backends ?? (await availableBackends());
  const progress = options.onProgress ?? (() => {});
  const results: Record<string, BackendTrainResult> = {};
  const previous = tf.getBackend();
  for (const backend of backends) {
    await selectBackend(backend as BackendName);
    const { batch, steps } = plan(backend, options.steps ?? 3);
    const report = (stage: string, done: number, total: number) =>
      progress(`${backend} ${stage}`, done, total);
    const ceiling = convCeilingGflops(batch);
    const plain = timeTraining(createPlainNet, batch, steps, (done, total) =>
      report("plain", done, total),
    );
    const mixed = timeTraining(createMixedNet, batch, steps, (done, total) =>
      report("mixed", done, total),
    );
    results[backend] = {
      batch,
      steps,
      imagesPerSec: plain.imagesPerSec,
      gflops: plain.gflops,
      convCeilingGflops: ceiling,
      mixedImagesPerSec: mixed.imagesPerSec,
      mixedGflops: mixed.gflops,
    };
  }
  if (previous) await tf.setBackend(previous);
  return { backends: results };
}

// ---------------------------------------------------------------------------------------------
// Networks

interface Net {
  layers: unknown;
  /** forward multiply-accumulates per image */
  macsPerImage: number;
  forward(x: tf.Tensor4D): tf.Tensor2D;
}

function createPlainNet(seeds: SeedStream): Net {
  let size = imageSize;
  let macs = 0;
  const convBnRelu = (spec: ConvSpec) => {
    macs += convMacs(spec, size, size);
    return createConvBnRelu(spec, seeds);
  };
  const stem = convBnRelu({ inChannels: 3, outChannels: channels, kernel: 3 });
  const cells: ConvBnRelu[][] = [];
  for (let cell = 0; cell < cellCount; cell++) {
    const spec = { inChannels: channels, outChannels: channels, kernel: 3 };
    cells.push([convBnRelu(spec), convBnRelu(spec)]);
    size /= 2;
  }
  const classifier = createDense(channels, classes, seeds);
  macs += channels * classes;
  return {
    layers: { stem, cells, classifier },
    macsPerImage: macs,
    forward: (x) => {
      let h = applyConvBnRelu(stem, x, true);
      for (const [first, second] of cells) {
        h = applyConvBnRelu(second, applyConvBnRelu(first, h, true), true);
        h = maxPool(h, { size: 2 });
      }
      return classify(classifier, h);
    },
  };
}

/** conv → BN (no ReLU: the mixed op's sum is followed by one) */
interface ConvBn {
  conv: Conv;
  bn: BatchNorm;
}

/** depthwise k×k (optionally dilated) → pointwise 1×1 → BN */
interface SeparableConv {
  depthwise: DepthwiseConv;
  pointwise: Conv;
  bn: BatchNorm;
}

interface MixedCell {
  entry: ConvBnRelu;
  convs: ConvBn[];
  separables: SeparableConv[];
  reduction: ConvBnRelu;
}

function createMixedNet(seeds: SeedStream): Net {
  let size = imageSize;
  let macs = 0;
  const same = { inChannels: channels, outChannels: channels };
  const convBn = (options: ConvOptions & { kernel: number }): ConvBn => {
    const spec = { ...same, ...options };
    macs += convMacs(spec, size, size);
    return { conv: createConv(spec, seeds), bn: createBatchNorm({ channels, affine: false }) };
  };
  const separable = (kernel: number, dilation: number): SeparableConv => {
    const depthwiseSpec = { channels, kernel, dilation };
    const pointwiseSpec = { ...same, kernel: 1 };
    macs += depthwiseConvMacs(depthwiseSpec, size, size) + convMacs(pointwiseSpec, size, size);
    return {
      depthwise: createDepthwiseConv(depthwiseSpec, seeds),
      pointwise: createConv(pointwiseSpec, seeds),
      bn: createBatchNorm({ channels, affine: false }),
    };
  };
  const stemSpec = { inChannels: 3, outChannels: channels, kernel: 3 };
  macs += convMacs(stemSpec, size, size);
  const stem = createConvBnRelu(stemSpec, seeds);
  const cells: MixedCell[] = [];
  for (let cell = 0; cell < cellCount; cell++) {
    const entrySpec = { ...same, kernel: 3 };
    macs += convMacs(entrySpec, size, size);
    const entry = createConvBnRelu(entrySpec, seeds);
    const convs = [
      convBn({ kernel: 3 }),
      convBn({ kernel: 5 }),
      convBn({ kernel: 3, dilation: 2 }),
    ];
    const separables = [separable(3, 1), separable(5, 1), separable(3, 2)];
    size /= 2;
    const reductionSpec = { ...same, kernel: 3, strides: 2 };
    macs += convMacs(reductionSpec, size, size);
    cells.push({ entry, convs, separables, reduction: createConvBnRelu(reductionSpec, seeds) });
  }
  const classifier = createDense(channels, classes, seeds);
  macs += channels * classes;
  return {
    layers: { stem, cells, classifier },
    macsPerImage: macs,
    forward: (x) => {
      let h = applyConvBnRelu(stem, x, true);
      for (const cell of cells) h = applyMixedCell(cell, h);
      return classify(classifier, h);
    },
  };
}

function applyMixedCell(cell: MixedCell, x: tf.Tensor4D): tf.Tensor4D {
  const h = applyConvBnRelu(cell.entry, x, true);
  const branches = [
    ...cell.convs.map(({ conv, bn }) => applyBatchNorm(bn, applyConv(conv, h), true)),
    ...cell.separables.map(({ depthwise, pointwise, bn }) =>
      applyBatchNorm(bn, applyConv(pointwise, applyDepthwiseConv(depthwise, h)), true),
    ),
    maxPool(h, { size: 3, strides: 1 }),
    h,
  ];
  return applyConvBnRelu(cell.reduction, tf.relu(tf.addN(branches)), true);
}

function classify(classifier: Dense, features: tf.Tensor4D): tf.Tensor2D {
  return applyDense(classifier, tf.mean(features, [1, 2]) as tf.Tensor2D);
}

// ---------------------------------------------------------------------------------------------
// Timing

function timeTraining(
  create: (seeds: SeedStream) => Net,
  batch: number,
  steps: number,
  progress: (done: number, total: number) => void,
): { imagesPerSec: number; gflops: number } {
  const seeds = seedStream(1);
  const net = create(seeds);
  const variables = collectVariables(net.layers);
  const optimizer = createSgd(variables, {
    learningRate: 0.025,
    momentum: 0.9,
    weightDecay: 3e-4,
    maxGradNorm: 5,
  });
  const x = tf.randomNormal([batch, imageSize, imageSize, 3], 0, 1, "float32", seeds());
  const labels = tf.tensor1d(
    Array.from({ length: batch }, (_, i) => i % classes),
    "int32",
  );
  const loss = () => softmaxCrossEntropy(net.forward(x as tf.Tensor4D), labels);
  try {
    trainStep(loss, variables, optimizer); // warm-up: XNNPACK operators, wasm heap growth
    progress(0, steps);
    const tensorsBefore = tf.memory().numTensors;
    const began = performance.now();
    for (let step = 0; step < steps; step++) {
      trainStep(loss, variables, optimizer);
      progress(step + 1, steps);
    }
    const seconds = (performance.now() - began) / 1e3;
    if (tf.memory().numTensors !== tensorsBefore) {
      throw new Error("bench train: a training step leaks tensors");
    }
    const imagesPerSec = (batch * steps) / seconds;
    return { imagesPerSec, gflops: (3 * 2 * net.macsPerImage * imagesPerSec) / 1e9 };
  } finally {
    optimizer.dispose();
    tf.dispose([x, labels, ...collectVariables(net.layers, false)]);
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
  const seconds = bestSeconds(
    () => tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, 1, "same"),
    3,
  );
  tf.dispose([x, filter]);
  return flops / seconds / 1e9;
}

// ---------------------------------------------------------------------------------------------
// Per-gradient speed

export interface GradientSpeed {
  forward: number;
  inputGradient: number;
  filterGradient: number;
}

/**
 * GFLOP/s of each conv op's forward pass and of our input and filter gradients (each counted at
 * the forward pass's FLOPs) on the active backend; batch 64, 16×16, 64 channels.
 */
export function benchGradients(batch = 64): Record<string, GradientSpeed> {
  const size = 16;
  const x = tf.randomNormal([batch, size, size, channels], 0, 1, "float32", 1) as tf.Tensor4D;
  const cases: [string, number, ConvOptions, boolean][] = [
    ["conv 3×3", 3, {}, false],
    ["conv 3×3 stride 2", 3, { strides: 2 }, false],
    ["conv 3×3 dilation 2", 3, { dilation: 2 }, false],
    ["conv 5×5", 5, {}, false],
    ["conv 1×1", 1, {}, false],
    ["depthwise 3×3", 3, {}, true],
    ["depthwise 5×5", 5, {}, true],
    ["depthwise 3×3 dilation 2", 3, { dilation: 2 }, true],
  ];
  const results: Record<string, GradientSpeed> = {};
  for (const [name, kernel, options, depthwise] of cases) {
    const config = convConfig(options);
    const filterShape: [number, number, number, number] = [
      kernel,
      kernel,
      channels,
      depthwise ? 1 : channels,
    ];
    const filter = tf.randomNormal(filterShape, 0, 0.1, "float32", 2) as tf.Tensor4D;
    const forward = () =>
      depthwise
        ? tf.depthwiseConv2d(x, filter, config.strides, config.pad, "NHWC", config.dilation)
        : tf.conv2d(x, filter, config.strides, config.pad, "NHWC", config.dilation);
    const y = forward();
    const dy = tf.randomNormal(y.shape, 0, 1, "float32", 3) as tf.Tensor4D;
    const flops = 2 * y.size * kernel * kernel * (depthwise ? 1 : channels);
    const speed = (f: () => tf.Tensor) => flops / bestSeconds(f, 3) / 1e9;
    results[name] = {
      forward: speed(forward),
      inputGradient: speed(() =>
        depthwise
          ? depthwiseConv2dBackpropInput(dy, filter, x.shape, config)
          : conv2dBackpropInput(dy, filter, x.shape, config),
      ),
      filterGradient: speed(() =>
        depthwise
          ? depthwiseConv2dBackpropFilter(x, dy, filterShape, config)
          : conv2dBackpropFilter(x, dy, filterShape, config),
      ),
    };
    tf.dispose([filter, y, dy]);
  }
  tf.dispose(x);
  return results;
}
