/**
 * A published search space as data: an architecture is one option index per decision (an edge's
 * op, a block's kernel, a stage's depth). Each space names its decisions' options, reads and
 * writes the architecture string its public datasets key rows by, and lays an architecture out
 * as the layer records every cost model takes. Everything else (enumerating, sampling, mutating)
 * works on the option indices alone, so it is written once here for every space.
 */
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import { InputError } from "../errors.js";
import type { Layer } from "../layers/layer.js";

/** One option index per decision. */
export type Arch = readonly number[];

/** A dataset the space is benchmarked on: what the network sees and how many classes it tells. */
export interface SpaceInput {
  name: string;
  resolution: number;
  classes: number;
}

export interface ArchSpace {
  name: string;
  /** the published definition this one follows */
  source: string;
  /** decisions[d]: the options of decision d, in index order */
  decisions: readonly (readonly string[])[];
  /** the inputs it is benchmarked on; the first is the default */
  inputs: readonly SpaceInput[];
  /** small enough to evaluate every architecture */
  exhaustive: boolean;
  /** throws an InputError that says what in the text does not fit */
  parse(text: string): Arch;
  print(arch: Arch): string;
  layersOf(arch: Arch, input: SpaceInput, batch: number): Layer[];
}

/**
 * `count` architectures as one struct-of-arrays table: architecture i's option for decision d is
 * `choices[i · decisions + d]`.
 */
export interface ArchTable {
  count: number;
  decisions: number;
  choices: Int32Array;
}

export function archAt(table: ArchTable, index: number): Arch {
  return Array.from(table.choices.subarray(index * table.decisions, (index + 1) * table.decisions));
}

export function tableOf(space: ArchSpace, archs: readonly Arch[]): ArchTable {
  const decisions = space.decisions.length;
  const choices = new Int32Array(archs.length * decisions);
  archs.forEach((arch, i) => {
    choices.set(arch, i * decisions);
  });
  return { count: archs.length, decisions, choices };
}

/** How many architectures the space holds (a float beyond 2⁵³: only for printing). */
export function spaceSize(space: ArchSpace): number {
  return space.decisions.reduce((size, options) => size * options.length, 1);
}

/**
 * Every architecture, the last decision varying fastest (so row i is i written in the mixed radix
 * of the option counts). Only for spaces marked exhaustive.
 */
export function enumerateArchs(space: ArchSpace): ArchTable {
  const decisions = space.decisions.length;
  const count = spaceSize(space);
  const choices = new Int32Array(count * decisions);
  for (let i = 0; i < count; i++) {
    let rest = i;
    for (let d = decisions - 1; d >= 0; d--) {
      const options = space.decisions[d].length;
      choices[i * decisions + d] = rest % options;
      rest = Math.floor(rest / options);
    }
  }
  return { count, decisions, choices };
}

/** Each decision uniform and independent, as OFA and FBNet sample their subnets; seeded. */
export function sampleArchs(space: ArchSpace, count: number, seed: number): ArchTable {
  const rng = xoroshiro128plus(seed);
  const archs = Array.from({ length: count }, () => randomArch(space, rng));
  return tableOf(space, archs);
}

export function randomArch(space: ArchSpace, rng: RandomGenerator): Arch {
  return space.decisions.map((options) => uniformInt(rng, 0, options.length - 1));
}

/** The same architecture with one decision changed to another of its options. */
export function mutateArch(space: ArchSpace, arch: Arch, rng: RandomGenerator): Arch {
  const mutable = space.decisions.flatMap((options, d) => (options.length > 1 ? [d] : []));
  const decision = mutable[uniformInt(rng, 0, mutable.length - 1)];
  const options = space.decisions[decision].length;
  // one of the other options, uniformly: skip over the current one
  const draw = uniformInt(rng, 0, options - 2);
  const next = arch.slice();
  next[decision] = draw >= arch[decision] ? draw + 1 : draw;
  return next;
}

/** A space's dataset by name, case-insensitively (the benchmarks spell ImageNet16-120 so). */
export function spaceInput(space: ArchSpace, name: string | undefined): SpaceInput {
  if (name === undefined) return space.inputs[0];
  const input = space.inputs.find((each) => each.name.toLowerCase() === name.toLowerCase());
  if (input === undefined) {
    const known = space.inputs.map((each) => each.name).join(", ");
    throw new InputError(`--dataset: ${space.name} has no dataset "${name}" (known: ${known})`);
  }
  return input;
}

/**
 * One-hot option per decision: the predictor's input for a space's architecture, so a space's
 * features need nothing beyond its decisions.
 */
export function oneHotFeatures(space: ArchSpace, table: ArchTable): Float32Array[] {
  const offsets: number[] = [];
  let width = 0;
  for (const options of space.decisions) {
    offsets.push(width);
    width += options.length;
  }
  return Array.from({ length: table.count }, (_, i) => {
    const row = new Float32Array(width);
    for (let d = 0; d < table.decisions; d++) {
      row[offsets[d] + table.choices[i * table.decisions + d]] = 1;
    }
    return row;
  });
}
