/**
 * Gradient of ops/batchNorm.ts (training mode, batch statistics). With x̂ = (x − μ)/σ and M
 * values per channel: dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/σ · (dy − dβ/M − x̂·dγ/M). Batch norm does
 * no arithmetic to speak of; what it costs is passes over the activations, so this takes five
 * (x̂, dy·x̂, two per-channel affine maps, one add) and reduces with fast channel sums.
 */
import * as tf from "@tensorflow/tfjs";
import { channelAffine, channelSum } from "../ops/channelOps.js";

/** Returns [dx, dγ, dβ]. */
export function batchNormBackprop(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  mean: tf.Tensor1D,
  variance: tf.Tensor1D,
  epsilon: number,
): [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D] {
  return tf.tidy(() => {
    const perChannel = dy.size / dy.shape[3];
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const normalized = channelAffine(x, invStd, tf.neg(tf.mul(mean, invStd)));
    const dBeta = channelSum(dy);
    const dGamma = channelSum(tf.mul(dy, normalized));
    const dyScale = tf.mul(gamma, invStd);
    const normalizedScale = tf.div(tf.mul(dyScale, dGamma), -perChannel);
    const offset = tf.div(tf.mul(dyScale, dBeta), -perChannel);
    const dx = tf.add<tf.Tensor4D>(
      channelAffine(dy, dyScale, offset),
      channelAffine(normalized, normalizedScale, tf.zerosLike(normalizedScale)),
    );
    return [dx, dGamma, dBeta];
  });
}
