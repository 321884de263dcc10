/**
 * Which architectures AdaProxy adapts on and which it is judged on. Kept apart from the tfjs
 * predictor so the CLI can check --ada-samples without loading tfjs.
 */
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { InputError } from "../errors.js";

/** SRCC on fewer than this many held-out architectures says little. */
const minimumHeldOut = 5;

export function checkSampleCounts(sampleCounts: number[], count: number): void {
  const largest = Math.max(...sampleCounts);
  if (largest + minimumHeldOut > count) {
    throw new InputError(
      `--ada-samples: ${largest} target samples leave fewer than ${minimumHeldOut} of ${count} architectures to judge the predictor on`,
    );
  }
}

/**
 * One seeded shuffle for every sample count: k measurements are the first k of `order`, and all
 * counts are judged on `heldOut`, everything past the largest k.
 */
export function adaptationSplit(count: number, sampleCounts: number[], seed: number) {
  checkSampleCounts(sampleCounts, count);
  const order = seededShuffle(count, seed);
  return { order, heldOut: order.subarray(Math.max(...sampleCounts)) };
}

function seededShuffle(count: number, seed: number): Int32Array {
  const rng = xoroshiro128plus(seed);
  const order = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
