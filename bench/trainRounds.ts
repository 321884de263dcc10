/**
 * `bench train`'s rounds: each round times one thread, the lockstep workers and the independent
 * workers back to back, so the two figures of a ratio are seconds apart, not minutes. The
 * reported figures are the medians over rounds, and the scalings the medians of within-round
 * ratios: on a shared VM the host's other tenants move a figure by ±20% from one run to the next.
 */
import { quantile } from "../src/stats/quantile.js";
import type { TrainingTime } from "./train.js";

type Step = TrainingTime["step"];

/** What one round measured on one backend, in the shape of the reported figures. */
export interface RoundFigures {
  imagesPerSec: number;
  gflops: number;
  mixedImagesPerSec: number;
  mixedGflops: number;
  step: Step;
  mixedStep: Step;
  /** with `workers`: the lockstep run's figures and the independent ranks' */
  parallel?: {
    imagesPerSec: number;
    mixedImagesPerSec: number;
    step: Step;
    mixedStep: Step;
    independent: { imagesPerSec: number; mixedImagesPerSec: number };
  };
}

/** Images/s of (a) plain and (b) mixed, as a ratio of two runs. */
export interface NetworkRatios {
  plain: number;
  mixed: number;
}

export interface RoundsSummary extends Omit<RoundFigures, "parallel"> {
  parallel?: Omit<NonNullable<RoundFigures["parallel"]>, "independent"> & {
    workers: number;
    /** the same ranks never combining anything: what the machine allows N threads at all */
    independent: { imagesPerSec: number; mixedImagesPerSec: number; scaling: NetworkRatios };
    /** median over rounds of the round's lockstep images/s ÷ its one-thread images/s */
    scaling: NetworkRatios;
    /** lockstep images/s ÷ independent images/s (the medians): what combining costs */
    efficiency: NetworkRatios;
  };
}

/** The median of each figure over the rounds (one round: its figures). */
export function medianFigures<T>(rounds: readonly T[]): T {
  const first = rounds[0];
  if (typeof first === "number") return quantile(rounds as readonly number[], 0.5) as T;
  const keys = Object.keys(first as object) as (keyof T)[];
  return Object.fromEntries(
    keys.map((key) => [key, medianFigures(rounds.map((round) => round[key]))]),
  ) as T;
}

/** The reported figures of a backend's rounds; `parallel` with `workers` only. */
export function summarizeRounds(rounds: readonly RoundFigures[], workers?: number): RoundsSummary {
  const { parallel, ...oneThread } = medianFigures(rounds);
  if (!parallel || workers === undefined) return oneThread;
  type Parallel = NonNullable<RoundFigures["parallel"]>;
  type Figures = { imagesPerSec: number; mixedImagesPerSec: number };
  const withinRounds = (of: (parallel: Parallel) => Figures): NetworkRatios => {
    const ratios = (field: keyof Figures) =>
      rounds.flatMap((round) => (round.parallel ? [of(round.parallel)[field] / round[field]] : []));
    return {
      plain: quantile(ratios("imagesPerSec"), 0.5),
      mixed: quantile(ratios("mixedImagesPerSec"), 0.5),
    };
  };
  const { independent } = parallel;
  return {
    ...oneThread,
    parallel: {
      workers,
      ...parallel,
      independent: {
        ...independent,
        scaling: withinRounds((run) => run.independent),
      },
      scaling: withinRounds((run) => run),
      efficiency: {
        plain: parallel.imagesPerSec / independent.imagesPerSec,
        mixed: parallel.mixedImagesPerSec / independent.mixedImagesPerSec,
      },
    },
  };
}
