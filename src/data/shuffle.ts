import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

export type Rng = ReturnType<typeof xoroshiro128plus>;

/**
 * Fisher–Yates in place: for i from the last index down to 1, swap i with j drawn uniformly from
 * [0, i]. Every seeded order in uboost (validation splits, batch orders, image draws, AdaProxy's
 * samples) is these draws, so changing them changes every split and run.
 */
export function shuffleInPlace<T extends { length: number; [index: number]: unknown }>(
  items: T,
  rng: Rng,
): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** 0 … count − 1 in the order `seed` gives. */
export function seededOrder(count: number, seed: number): Int32Array {
  return shuffleInPlace(
    Int32Array.from({ length: count }, (_, i) => i),
    xoroshiro128plus(seed),
  );
}
