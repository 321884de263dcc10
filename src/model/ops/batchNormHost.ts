/**
 * Training-mode batch norm, optionally followed by ReLU, on the host: forward and gradient
 * (gradients/batchNormHostGrad.ts) read the activations where they lie (heapValues.ts) and work
 * in doubles, one tfjs op each way. Built from tfjs kernels (batchNorm.ts) a layer is ~40 kernels
 * forward and backward, whose fixed cost, not the arithmetic, made batch norm ~20% of a demo
 * search worker's time, the same on every data-parallel rank whatever its share of the batch.
 */
import * as tf from "@tensorflow/tfjs";
import { hostBatchNormBackprop, type NormalizedChannels } from "../gradients/batchNormHostGrad.js";
import { heapValues, tensorOfScratch } from "../heapValues.js";
import type { BatchNormTrainOptions } from "./batchNorm.js";

/** The output values of one call, before they become a tensor (reused: tensorOfScratch copies). */
let outputScratch = new Float32Array(0);

export function hostBatchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  options: BatchNormTrainOptions,
): tf.Tensor4D {
  const epsilon = options.epsilon ?? 1e-5;
  const relu = options.relu ?? false;
  const op = tf.customGrad((...args) => {
    const [input, gammaTensor, betaTensor, save] = args as [
      tf.Tensor4D,
      tf.Tensor1D,
      tf.Tensor1D,
      tf.GradSaveFunc,
    ];
    const channels = input.shape[3];
    // heap views are valid until the next tensor is made: read everything first
    const gammaValues = Float64Array.from(heapValues(gammaTensor));
    const betaValues = Float64Array.from(heapValues(betaTensor));
    const values = heapValues(input);
    const { mean, variance } = channelMoments(values, channels);
    const invStd = variance.map((v) => 1 / Math.sqrt(v + epsilon));
    const scale = gammaValues.map((g, c) => g * invStd[c]);
    const normalized: NormalizedChannels = {
      channels,
      mean,
      invStd,
      gamma: gammaValues,
      scale,
      shift: betaValues.map((b, c) => b - mean[c] * scale[c]),
      relu,
    };
    if (outputScratch.length < input.size) outputScratch = new Float32Array(input.size);
    const output = outputScratch.subarray(0, input.size);
    normalize(values, normalized, output);
    options.onStatistics?.({
      mean: Float32Array.from(mean),
      variance: Float32Array.from(variance),
    });
    save([input]);
    return {
      value: tensorOfScratch(output, input.shape) as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) =>
        hostBatchNormBackprop(dy, saved[0] as tf.Tensor4D, normalized),
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}

/** Per-channel mean and biased variance of NHWC values (two passes, in doubles). */
function channelMoments(
  values: Float32Array,
  channels: number,
): { mean: Float64Array; variance: Float64Array } {
  const count = values.length / channels;
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  for (let i = 0; i < values.length; i += channels) {
    for (let c = 0; c < channels; c++) mean[c] += values[i + c];
  }
  for (let c = 0; c < channels; c++) mean[c] /= count;
  for (let i = 0; i < values.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      const centered = values[i + c] - mean[c];
      variance[c] += centered * centered;
    }
  }
  for (let c = 0; c < channels; c++) variance[c] /= count;
  return { mean, variance };
}

/**
 * output = x·scale + shift = γ·(x − μ)/σ + β, ReLU'd when asked. The ReLU multiplies by the
 * comparison as 0 or 1 rather than branching on it: on activations that are about half negative
 * a branch (or Math.max) mispredicts so often that it took 8 ns a value against 2 (+ 0 turns the
 * −0 of a negative times 0 into the 0 tfjs's relu gives).
 */
function normalize(values: Float32Array, normalized: NormalizedChannels, output: Float32Array) {
  const { channels, scale, shift, relu } = normalized;
  for (let i = 0; i < values.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      const y = values[i + c] * scale[c] + shift[c];
      output[i + c] = relu ? y * Number(y > 0) + 0 : y;
    }
  }
}
