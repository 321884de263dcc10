/** The step schedule of `uboost train`: lr × 0.1 after half of the epochs and again after 3/4. */
export function stepLearningRate(base: number, epoch: number, epochs: number): number {
  return base * (epoch >= 0.75 * epochs ? 0.01 : epoch >= 0.5 * epochs ? 0.1 : 1);
}
