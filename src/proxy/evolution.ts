/**
 * One-proxy search by regularized evolution (Real et al., AAAI 2019, "aging evolution"), as the
 * OneProxy paper searches: a population of architectures within the proxy's latency limit; each
 * step a tournament of a few picks the best-scoring parent, a child differs from it in one choice,
 * the child joins and the oldest member leaves. Latency on the proxy is free (a table lookup);
 * the budget counts score evaluations (trainings, in a real search), children and founders alike.
 *
 * It moves between the rows of a latency table: a child is a row of the table. On NAS-Bench-201
 * (all 15,625 rows) every child is; in a sampled space most one-choice neighbours are absent, and
 * after a few misses the child is a random feasible row instead, so there it tends to random search.
 */
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import { type ArchSpace, type ArchTable, archAt, mutateArch } from "../spaces/space.js";

export interface EvolutionSettings {
  population: number;
  /** members drawn for each tournament */
  tournament: number;
  /** score evaluations in all */
  budget: number;
  seed: number;
}

export const defaultEvolution = { population: 50, tournament: 10, budget: 500 };

/** Mutations tried for a child inside the table and the limit before a random row stands in. */
const mutationTries = 20;

/**
 * A search over the table for a latency limit: the row it returns is the best score it evaluated
 * (first on ties), always within the limit on the proxy.
 */
export function evolutionSearch(
  space: ArchSpace,
  table: ArchTable,
  proxyMs: ArrayLike<number>,
  score: ArrayLike<number>,
  settings: EvolutionSettings,
): (limitMs: number) => number {
  const rows = new Map<string, number>();
  for (let i = 0; i < table.count; i++) rows.set(archAt(table, i).join(","), i);
  return (limitMs) => {
    const feasible: number[] = [];
    for (let i = 0; i < table.count; i++) if (proxyMs[i] <= limitMs) feasible.push(i);
    const rng = xoroshiro128plus(settings.seed);
    const randomFeasible = () => feasible[uniformInt(rng, 0, feasible.length - 1)];
    const population: number[] = [];
    let best = -1;
    const evaluate = (row: number) => {
      if (best < 0 || score[row] > score[best]) best = row;
      population.push(row);
    };
    for (let spent = 0; spent < settings.budget; spent++) {
      if (population.length < settings.population) {
        evaluate(randomFeasible());
        continue;
      }
      const parent = tournamentWinner(population, score, settings.tournament, rng);
      evaluate(
        childOf(space, table, parent, rows, (row) => proxyMs[row] <= limitMs, rng) ??
          randomFeasible(),
      );
      population.shift();
    }
    return best;
  };
}

function tournamentWinner(
  population: number[],
  score: ArrayLike<number>,
  size: number,
  rng: RandomGenerator,
): number {
  let winner = -1;
  for (let k = 0; k < size; k++) {
    const row = population[uniformInt(rng, 0, population.length - 1)];
    if (winner < 0 || score[row] > score[winner]) winner = row;
  }
  return winner;
}

/** A one-choice mutation of `parent` that is a row of the table and within the limit, if found. */
function childOf(
  space: ArchSpace,
  table: ArchTable,
  parent: number,
  rows: Map<string, number>,
  fits: (row: number) => boolean,
  rng: RandomGenerator,
): number | undefined {
  const arch = archAt(table, parent);
  for (let attempt = 0; attempt < mutationTries; attempt++) {
    const row = rows.get(mutateArch(space, arch, rng).join(","));
    if (row !== undefined && fits(row)) return row;
  }
  return undefined;
}
