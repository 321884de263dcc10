/**
 * AdaProxy (Lu et al., SIGMETRICS 2022): a latency predictor trained on the proxy device, where
 * measurements are free, then fine-tuned on a handful of target measurements. The predictor is a
 * small MLP on architecture features, trained on standardized log latency (devices differ by
 * orders of magnitude; ranks are what matter). Everything is seeded: same inputs, same curve.
 */
import * as tf from "@tensorflow/tfjs";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { adaptationSplit } from "./adaSplit.js";
import { spearman } from "./srcc.js";
import { standardizedLogs } from "./statistics.js";

export interface AdaProxyOptions {
  /** target measurements to adapt with, e.g. [5, 10, 20, 50] */
  sampleCounts: number[];
  seed: number;
  hidden?: number[];
  pretrainSteps?: number;
  pretrainBatch?: number;
  pretrainRate?: number;
  fineTuneSteps?: number;
  fineTuneRate?: number;
}

/**
 * Measured on CIFAR-space architectures (tfjs cpu backend, ≈ 6 ms a pretraining step, ≈ 4 ms a
 * fine-tuning step, matMul-bound). 300 steps of 64 fit the proxy to SRCC 0.996 on 1,000
 * architectures and 0.95 on 10,000 (under two passes over them; 1,000 steps: 0.97 at 3× the
 * time). Fine-tuning on ≤ 50 points has converged by ≈ 50 steps at this rate (more leave the
 * held-out ranking unchanged); 10× the rate overfits the few points and loses more than it gains.
 */
const defaults = {
  hidden: [64, 64],
  pretrainSteps: 300,
  pretrainBatch: 64,
  pretrainRate: 3e-3,
  fineTuneSteps: 60,
  fineTuneRate: 1e-3,
};

/** SRCC of predicted vs true target latency on the held-out architectures. */
export interface AdaProxyPoint {
  samples: number;
  /** the proxy predictor as is */
  before: number;
  /** after fine-tuning on `samples` target measurements */
  after: number;
}

/** Dense layers as [weight, bias] pairs, ReLU between them, one linear output. */
type Mlp = tf.Variable[];

export interface ProxyPredictor {
  mlp: Mlp;
  features: tf.Tensor2D;
  /** the proxy's standardized log latency, what the MLP was trained on */
  proxyScores: Float32Array;
  /** σ of the proxy's log latency: targets are put on the same scale */
  logScale: number;
}

/** tfjs's pure-JS backend: fast enough for a 64-wide MLP and identical on every machine. */
export async function useCpuBackend(): Promise<void> {
  // prod mode silences tfjs's "install tfjs-node" banner, so the library prints nothing
  tf.enableProdMode();
  await tf.setBackend("cpu");
}

export function pretrainPredictor(
  featureRows: Float32Array[],
  proxyMs: ArrayLike<number>,
  options: AdaProxyOptions,
): ProxyPredictor {
  const settings = { ...defaults, ...options };
  const { scores: proxyScores, scale: logScale } = standardizedLogs(proxyMs);
  const features = tf.tensor2d(stack(featureRows), [featureRows.length, featureRows[0].length]);
  const mlp = initMlp([featureRows[0].length, ...settings.hidden, 1], settings.seed);
  const rng = xoroshiro128plus(settings.seed);
  const targets = tf.tensor1d(proxyScores);
  const batch = Math.min(settings.pretrainBatch, featureRows.length);
  train(mlp, settings.pretrainSteps, settings.pretrainRate, () => {
    const rows = Int32Array.from({ length: batch }, () =>
      uniformInt(rng, 0, featureRows.length - 1),
    );
    return { x: tf.gather(features, rows), y: tf.gather(targets, rows) };
  });
  targets.dispose();
  return { mlp, features, proxyScores, logScale };
}

/**
 * The before/after curve against one target, every sample count judged on the same held-out
 * architectures (adaSplit.ts).
 */
export function adaptationCurve(
  predictor: ProxyPredictor,
  targetMs: ArrayLike<number>,
  options: AdaProxyOptions,
): AdaProxyPoint[] {
  const settings = { ...defaults, ...options };
  const count = targetMs.length;
  const { order, heldOut } = adaptationSplit(count, settings.sampleCounts, settings.seed + 1);
  const targetLogs = Float64Array.from(targetMs, Math.log);
  const trueHeldOut = Array.from(heldOut, (i) => targetLogs[i]);
  const rank = (mlp: Mlp) => spearman(pick(predict(mlp, predictor.features), heldOut), trueHeldOut);
  const before = rank(predictor.mlp);
  return settings.sampleCounts.map((samples) => {
    const chosen = order.subarray(0, samples);
    const tuned = predictor.mlp.map((w) => tf.variable(w));
    const y = tf.tensor1d(alignedTargets(predictor, targetLogs, chosen));
    const x = tf.gather(predictor.features, chosen);
    train(tuned, settings.fineTuneSteps, settings.fineTuneRate, () => ({ x, y }));
    const after = rank(tuned);
    tf.dispose([x, y, ...tuned]);
    return { samples, before, after };
  });
}

/**
 * The k target log latencies on the proxy's scale, shifted so their mean equals the proxy's on the
 * same architectures: a faster device is mostly a constant factor, which should cost no fitting.
 */
function alignedTargets(predictor: ProxyPredictor, targetLogs: Float64Array, chosen: Int32Array) {
  const scaled = Array.from(chosen, (i) => targetLogs[i] / predictor.logScale);
  const shift =
    Array.from(chosen, (i) => predictor.proxyScores[i] - targetLogs[i] / predictor.logScale).reduce(
      (sum, v) => sum + v,
      0,
    ) / chosen.length;
  return Float32Array.from(scaled, (v) => v + shift);
}

export function disposePredictor(predictor: ProxyPredictor): void {
  tf.dispose([predictor.features, ...predictor.mlp]);
}

/** He-uniform weights from a fixed seed per tensor, zero biases. */
function initMlp(widths: number[], seed: number): Mlp {
  // tidy frees the initial values; the variables, holding their own reference, survive it
  return tf.tidy(() =>
    widths.slice(1).flatMap((width, l) => {
      const limit = Math.sqrt(6 / widths[l]);
      const weight = tf.randomUniform([widths[l], width], -limit, limit, "float32", seed + l);
      return [tf.variable(weight), tf.variable(tf.zeros([width]))];
    }),
  );
}

function forward(mlp: Mlp, x: tf.Tensor2D): tf.Tensor1D {
  let h: tf.Tensor2D = x;
  for (let l = 0; l < mlp.length; l += 2) {
    h = tf.add(tf.matMul(h, mlp[l] as tf.Tensor2D), mlp[l + 1]);
    if (l + 2 < mlp.length) h = tf.relu(h);
  }
  return tf.reshape(h, [-1]);
}

function predict(mlp: Mlp, x: tf.Tensor2D): Float32Array {
  const prediction = tf.tidy(() => forward(mlp, x));
  const values = Float32Array.from(prediction.dataSync());
  prediction.dispose();
  return values;
}

/** Adam on mean squared error; `batch` gives the step's inputs (disposed after unless reused). */
function train(
  mlp: Mlp,
  steps: number,
  rate: number,
  batch: () => { x: tf.Tensor2D; y: tf.Tensor1D },
): void {
  const optimizer = tf.train.adam(rate);
  for (let step = 0; step < steps; step++) {
    tf.tidy(() => {
      const { x, y } = batch();
      optimizer.minimize(
        () => tf.losses.meanSquaredError(y, forward(mlp, x)) as tf.Scalar,
        false,
        mlp,
      );
    });
  }
  optimizer.dispose();
}

function stack(rows: Float32Array[]): Float32Array {
  const out = new Float32Array(rows.length * rows[0].length);
  rows.forEach((row, i) => {
    out.set(row, i * row.length);
  });
  return out;
}

function pick(values: Float32Array, indices: Int32Array): number[] {
  return Array.from(indices, (i) => values[i]);
}
