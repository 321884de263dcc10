/**
 * A published space's architectures as sweep networks: given as strings (a flag, a file of one
 * per line, or a CSV's `arch` column), drawn at random, or the whole space. Each is named by its
 * canonical string, so however a file spells it, its rows join with the public datasets.
 */
import { basename } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { InputError } from "../errors.js";
import { readText } from "../files/readFile.js";
import {
  type ArchSpace,
  archAt,
  enumerateArchs,
  randomArch,
  type SpaceInput,
  spaceSize,
} from "../spaces/space.js";
import type { SweepNetwork } from "./grid.js";

/** An architecture string and where it came from, for errors ("archs.txt row 3"). */
export interface ArchText {
  text: string;
  where: string;
}

/** Parses each string; one that does not parse, or names an architecture twice, is an InputError. */
export function archNetworks(
  space: ArchSpace,
  input: SpaceInput,
  texts: readonly ArchText[],
): SweepNetwork[] {
  const seen = new Map<string, string>();
  return texts.map(({ text, where }) => {
    let arch: string;
    try {
      arch = space.print(space.parse(text.trim()));
    } catch (error) {
      if (error instanceof InputError) throw new InputError(`${where}: ${error.message}`);
      throw error;
    }
    const first = seen.get(arch);
    if (first !== undefined) throw new InputError(`${where}: the architecture of ${first} again`);
    seen.set(arch, where);
    return { kind: "arch", space: space.name, dataset: input.name, arch };
  });
}

/**
 * The strings of a file: a CSV whose header has an `arch` column (strings with commas quoted),
 * or else one string per non-empty line.
 */
export function readArchTexts(path: string): ArchText[] {
  const file = basename(path);
  const text = readText(path);
  const lines = text.split(/\r?\n/);
  const firstLine = lines.find((line) => line.trim() !== "");
  if (firstLine === undefined) throw new InputError(`${file}: no architecture strings`);
  const header = csvRows(firstLine, file)[0] ?? [];
  const column = header.map((name) => name.trim()).indexOf("arch");
  if (column < 0) {
    return lines.flatMap((line, i) =>
      line.trim() === "" ? [] : [{ text: line, where: `${file} row ${i + 1}` }],
    );
  }
  const [, ...rows] = csvRows(text, file);
  if (rows.length === 0) throw new InputError(`${file}: no rows under the header`);
  // rows are counted as data rows, the header not among them
  return rows.map((row, i) => {
    const where = `${file} row ${i + 1}`;
    if (row[column] === undefined) throw new InputError(`${where}: no arch column`);
    return { text: row[column], where };
  });
}

function csvRows(text: string, file: string): string[][] {
  try {
    return parseCsv(text, { skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (error) {
    throw new InputError(`${file}: ${(error as Error).message.split("\n")[0]}`);
  }
}

/**
 * `count` distinct architectures drawn uniformly (seeded), or every one for "all" (spaces small
 * enough to enumerate), in the space's own order.
 */
export function sampledArchNetworks(
  space: ArchSpace,
  input: SpaceInput,
  count: number | "all",
  seed: number,
): SweepNetwork[] {
  const size = spaceSize(space);
  if (count === "all") {
    if (!space.exhaustive) {
      throw new InputError(`--samples all: ${space.name} is too large to enumerate`);
    }
    const table = enumerateArchs(space);
    return archTextsOf(space, input, table.count, (i) => space.print(archAt(table, i)));
  }
  if (count > size) {
    throw new InputError(
      `--samples: ${space.name} holds only ${size} architectures (got ${count})`,
    );
  }
  const rng = xoroshiro128plus(seed);
  const drawn = new Set<string>();
  // distinct draws: a sweep names each network once
  while (drawn.size < count) drawn.add(space.print(randomArch(space, rng)));
  const archs = [...drawn];
  return archTextsOf(space, input, archs.length, (i) => archs[i]);
}

function archTextsOf(
  space: ArchSpace,
  input: SpaceInput,
  count: number,
  archOf: (index: number) => string,
): SweepNetwork[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: "arch",
    space: space.name,
    dataset: input.name,
    arch: archOf(i),
  }));
}
