/**
 * tfjs's randomNormal, truncatedNormal, randomGamma and multinomial treat a seed of 0 as no seed
 * at all and draw one from Math.random (`seed ? seed : Math.random()` in tfjs-core), so every
 * `--seed 0` run started from other weights. Every seed handed to those ops goes through here: 0
 * becomes −1, which no derived seed (all ≥ 0) uses; any other seed is kept, so runs that were
 * already reproducible keep their numbers.
 */
export const tfSeed = (seed: number): number => (seed === 0 ? -1 : seed);
