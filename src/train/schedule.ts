/** The step schedule of `uboost train`: lr × 0.1 after half of the epochs and again after 3/4. */
export function stepLearningRate(base: number, epoch: number, epochs: number): number {
  return base * (epoch >= 0.75 * epochs ? 0.01 : epoch >= 0.5 * epochs ? 0.1 : 1);
}

/** torch.optim.lr_scheduler.StepLR: lr × gamma every `every` epochs (the search: 0.5 every 30). */
export function stepDecay(base: number, epoch: number, every: number, gamma: number): number {
  return base * gamma ** Math.floor(epoch / every);
}

/**
 * torch.optim.lr_scheduler.OneCycleLR with its defaults, as the authors' final training uses it:
 * over the first `warmup` share of the steps the learning rate rises from peak/25 to the peak
 * and momentum falls from 0.95 to 0.85 (cosine), then the rate falls to peak/25/1e4 while momentum
 * returns to 0.95. `step` counts from 0; `steps` is epochs × batches per epoch.
 */
export function oneCycle(
  peak: number,
  step: number,
  steps: number,
  warmup = 0.1,
): { learningRate: number; momentum: number } {
  const initial = peak / 25;
  const final = initial / 1e4;
  const [maxMomentum, baseMomentum] = [0.95, 0.85];
  // PyTorch's phase ends: warm-up ends at step warmup·steps − 1, the cycle at steps − 1.
  const warmupEnd = warmup * steps - 1;
  const cosine = (from: number, to: number, fraction: number) =>
    to + ((from - to) * (1 + Math.cos(Math.PI * fraction))) / 2;
  if (step <= warmupEnd) {
    const fraction = warmupEnd > 0 ? step / warmupEnd : 1;
    return {
      learningRate: cosine(initial, peak, fraction),
      momentum: cosine(maxMomentum, baseMomentum, fraction),
    };
  }
  const fraction = Math.min(1, (step - warmupEnd) / (steps - 1 - warmupEnd));
  return {
    learningRate: cosine(peak, final, fraction),
    momentum: cosine(baseMomentum, maxMomentum, fraction),
  };
}
