/**
 * Deterministic weight initialization. Every layer draws its tensors from a seed stream, so a
 * network built twice from the same seed starts from the same weights on every backend (tfjs's
 * seeded random ops generate their values in JS).
 */
import * as tf from "@tensorflow/tfjs";

/** Yields a different 32-bit seed on each call (an LCG over the starting seed). */
export type SeedStream = () => number;

export function seedStream(seed: number): SeedStream {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

/** He (Kaiming) normal: std √(2 / fanIn), as PyTorch's kaiming_normal_ for ReLU networks. */
export function heNormal(shape: number[], fanIn: number, seeds: SeedStream): tf.Variable {
  return tf.tidy(() =>
    tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), "float32", seeds())),
  );
}

/** A trainable (or, for fixed parameters, non-trainable) variable filled with one value. */
export function filled(shape: number[], value: number, trainable = true): tf.Variable {
  return tf.tidy(() => tf.variable(tf.fill(shape, value), trainable));
}
