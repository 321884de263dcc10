/** bench train's rounds summed up: medians per figure and within-round ratios, worked by hand. */
import { describe, expect, it } from "vitest";
import { medianFigures, type RoundFigures, summarizeRounds } from "../../bench/trainRounds.js";

/** A round whose figures are given for (a) and (b): one thread, lockstep, independent. */
function round(
  one: [number, number],
  lockstep: [number, number],
  alone: [number, number],
): RoundFigures {
  const step = { seconds: 64 / one[0], forward: 0.3, combine: 0 };
  return {
    imagesPerSec: one[0],
    gflops: one[0] / 10,
    mixedImagesPerSec: one[1],
    mixedGflops: one[1] / 10,
    step,
    mixedStep: { ...step, seconds: 64 / one[1] },
    parallel: {
      imagesPerSec: lockstep[0],
      mixedImagesPerSec: lockstep[1],
      step: { ...step, seconds: 64 / lockstep[0], combine: 0.1 },
      mixedStep: { ...step, seconds: 64 / lockstep[1], combine: 0.1 },
      independent: { imagesPerSec: alone[0], mixedImagesPerSec: alone[1] },
    },
  };
}

describe("medianFigures", () => {
  it("takes the median of every figure apart, nested records included", () => {
    const rounds = [
      { a: 3, b: { c: 10, d: 1 } },
      { a: 1, b: { c: 30, d: 2 } },
      { a: 2, b: { c: 20, d: 4 } },
    ];
    expect(medianFigures(rounds)).toEqual({ a: 2, b: { c: 20, d: 2 } });
  });

  it("an even count: the mean of the two middle values", () => {
    expect(medianFigures([{ a: 4 }, { a: 1 }, { a: 2 }, { a: 10 }])).toEqual({ a: 3 });
  });
});

describe("summarizeRounds", () => {
  // Round 2 runs on a slow host: every figure halves, its ratios do not move.
  const rounds = [
    round([100, 40], [150, 60], [160, 64]),
    round([50, 20], [75, 30], [80, 32]),
    round([120, 50], [168, 80], [150, 75]),
  ];

  it("reports the medians, scaling as the median of each round's own ratio", () => {
    const summary = summarizeRounds(rounds, 2);
    expect(summary.imagesPerSec).toBe(100);
    expect(summary.mixedImagesPerSec).toBe(40);
    expect(summary.step.seconds).toBe(64 / 100);
    const parallel = summary.parallel;
    expect(parallel?.workers).toBe(2);
    expect(parallel?.imagesPerSec).toBe(150);
    expect(parallel?.independent.imagesPerSec).toBe(150);
    // (a): lockstep ÷ one thread 1.5, 1.5, 1.4 → 1.5; (b): 1.5, 1.5, 1.6 → 1.5
    expect(parallel?.scaling.plain).toBeCloseTo(1.5, 12);
    expect(parallel?.scaling.mixed).toBeCloseTo(1.5, 12);
    // independent ÷ one thread (a): 1.6, 1.6, 1.25 → 1.6; (b): 1.6, 1.6, 1.5 → 1.6
    expect(parallel?.independent.scaling.plain).toBeCloseTo(1.6, 12);
    expect(parallel?.independent.scaling.mixed).toBeCloseTo(1.6, 12);
    // of the medians: 150 / 150 and 60 / 64 (each round's own (a) would give 0.9375)
    expect(parallel?.efficiency.plain).toBeCloseTo(1, 12);
    expect(parallel?.efficiency.mixed).toBeCloseTo(60 / 64, 12);
  });

  it("without workers: the one-thread medians only", () => {
    const oneThread = rounds.map(({ parallel: _, ...figures }) => figures);
    const summary = summarizeRounds(oneThread);
    expect(summary.parallel).toBeUndefined();
    expect(summary.gflops).toBe(10);
  });
});
