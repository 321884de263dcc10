/**
 * Which architectures AdaProxy adapts on and which it is judged on. Kept apart from the tfjs
 * predictor so the CLI can check --ada-samples without loading tfjs.
 */
import { seededOrder } from "../data/shuffle.js";
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
  const order = seededOrder(count, seed);
  return { order, heldOut: order.subarray(Math.max(...sampleCounts)) };
}
