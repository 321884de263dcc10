/**
 * Gradient of ops/batchNormHost.ts (training mode, batch statistics), on the host like its
 * forward pass. With x̂ = (x − μ)/σ, M values per channel and dz the upstream gradient (zero
 * where a fused ReLU cut the output): dβ = Σ dz, dγ = Σ dz·x̂, dx = γ/σ · (dz − dβ/M − x̂·dγ/M),
 * per channel an affine map of dz and x. Two passes over the activations, sums in doubles.
 */
import * as tf from "@tensorflow/tfjs";
import { heapValues, tensorOfScratch } from "../heapValues.js";

/** What the forward pass knew per channel (doubles), kept for the gradient. */
export interface NormalizedChannels {
  channels: number;
  mean: Float64Array;
  /** 1 / √(variance + ε) */
  invStd: Float64Array;
  gamma: Float64Array;
  /** the forward affine map: y = x·scale + shift */
  scale: Float64Array;
  shift: Float64Array;
  /** ReLU followed: the gradient passes only where y > 0 */
  relu: boolean;
}

/** dz, then dx, of one call, before it becomes a tensor (reused: tensorOfScratch copies). */
let gradientScratch = new Float32Array(0);

/** Returns [dx, dγ, dβ]. */
export function hostBatchNormBackprop(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  normalized: NormalizedChannels,
): [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D] {
  const { channels, mean, invStd, gamma } = normalized;
  const count = x.size / channels;
  if (gradientScratch.length < x.size) gradientScratch = new Float32Array(x.size);
  const gradient = gradientScratch.subarray(0, x.size);
  // heap views are valid until the next tensor is made: both are read before any is
  const values = heapValues(x);
  const { dBeta, dCentered } = upstreamSums(heapValues(dy), values, normalized, gradient);
  // dx = k·dz + p·x + q per channel
  const dGamma = dCentered.map((sum, c) => sum * invStd[c]);
  const k = gamma.map((g, c) => g * invStd[c]);
  const p = k.map((kc, c) => (-kc * dGamma[c] * invStd[c]) / count);
  const q = k.map((kc, c) => (-kc * dBeta[c]) / count - p[c] * mean[c]);
  for (let i = 0; i < values.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      gradient[i + c] = k[c] * gradient[i + c] + p[c] * values[i + c] + q[c];
    }
  }
  return [
    tensorOfScratch(gradient, x.shape) as tf.Tensor4D,
    tf.tensor1d(Float32Array.from(dGamma)),
    tf.tensor1d(Float32Array.from(dBeta)),
  ];
}

/**
 * dz into `dz`, and per channel Σ dz and Σ dz·(x − μ). The ReLU mask multiplies by the
 * comparison as 0 or 1 (a branch mispredicts on about half the values: see batchNormHost.ts).
 */
function upstreamSums(
  upstream: Float32Array,
  values: Float32Array,
  normalized: NormalizedChannels,
  dz: Float32Array,
) {
  const { channels, mean, scale, shift, relu } = normalized;
  const dBeta = new Float64Array(channels);
  const dCentered = new Float64Array(channels);
  for (let i = 0; i < values.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      const value = values[i + c];
      const passed = relu
        ? upstream[i + c] * Number(value * scale[c] + shift[c] > 0)
        : upstream[i + c];
      dz[i + c] = passed;
      dBeta[c] += passed;
      dCentered[c] += passed * (value - mean[c]);
    }
  }
  return { dBeta, dCentered };
}
