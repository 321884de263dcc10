import { InputError } from "../errors.js";
import { writeFileAtomic } from "../files/atomicWrite.js";
import { readJsonFile } from "../files/readFile.js";
import type { Layer } from "../layers/layer.js";
import { layoutResolutions } from "./layout.js";
import {
  convLayers,
  type NetworkPlan,
  type NetworkShape,
  planLayers,
  planNetwork,
} from "./plan.js";
import { type SearchSpace, validateSearchSpace } from "./space.js";

/**
 * arch.json: what a search chose and with what certainty, and everything needed to rebuild the
 * network (`uboost train --arch`). Edges list every op's probability; channels every option's.
 */
export interface ArchFile {
  /** 2: the shape is a cell layout with a fixed stem (1 had stages of cells) */
  format: "uboost-arch/2";
  space: SearchSpace;
  /** the final network: the channel stage's layout */
  shape: NetworkShape;
  edges: { from: string; to: string; op: string; probabilities: Record<string, number> }[];
  channels: { slot: string; channels: number; probabilities?: Record<string, number> }[];
  settings?: Record<string, unknown>;
}

export function writeArchFile(path: string, arch: ArchFile): void {
  writeFileAtomic(path, `${JSON.stringify(arch, null, 2)}\n`);
}

/** The plan and per-slot channel counts an arch file describes. */
export function archNetwork(arch: ArchFile): {
  plan: NetworkPlan;
  channels: Record<string, number>;
} {
  const plan = planNetwork(
    arch.space,
    arch.shape,
    arch.edges.map((edge) => edge.op),
  );
  const channels: Record<string, number> = {};
  for (const entry of arch.channels) channels[entry.slot] = entry.channels;
  return { plan, channels };
}

/** The final network's layer records (as the cost models and the simulator take them). */
export function archLayers(arch: ArchFile, batch: number): Layer[] {
  const { plan, channels } = archNetwork(arch);
  return planLayers(plan, channels, batch);
}

export function readArchFile(path: string): ArchFile {
  return validateArch(readJsonFile(path), path);
}

/** Checks an arch file's contents (`path` names it in errors: arch.json, a model.json's topology). */
export function validateArch(value: unknown, path: string): ArchFile {
  const raw = (value ?? {}) as Partial<ArchFile>;
  if (raw.format !== "uboost-arch/2") {
    throw new InputError(
      `${path}, field format: expected "uboost-arch/2" (got ${JSON.stringify(raw.format)}); search again to rebuild it`,
    );
  }
  const space = validateSearchSpace(raw.space, `${path}, field space`);
  const shape = raw.shape as NetworkShape | undefined;
  const positive = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  if (
    !shape ||
    !Array.isArray(shape.layout) ||
    !shape.layout.every((pool) => typeof pool === "boolean") ||
    ![shape.resolution, shape.inChannels, shape.stemChannels, shape.classes].every(positive)
  ) {
    throw new InputError(
      `${path}, field shape: expected {layout: [true|false, …], resolution, inChannels, stemChannels, classes} (positive integers)`,
    );
  }
  layoutResolutions(shape.resolution, shape.layout, `${path}, field shape.layout`);
  if (!Array.isArray(raw.edges) || raw.edges.length !== space.edges.length) {
    throw new InputError(
      `${path}, field edges: expected one entry per edge of the space (${space.edges.length})`,
    );
  }
  raw.edges.forEach((edge, i) => {
    if (!Object.hasOwn(space.ops, edge?.op))
      throw new InputError(`${path}, edges row ${i + 1}, field op: unknown op "${edge?.op}"`);
  });
  if (!Array.isArray(raw.channels))
    throw new InputError(`${path}, field channels: expected a list of {slot, channels}`);
  const arch = raw as ArchFile;
  const given = new Map(
    arch.channels.map((entry, i) => {
      if (!positive(entry?.channels))
        throw new InputError(
          `${path}, channels row ${i + 1}, field channels: must be a positive integer`,
        );
      return [entry.slot, entry.channels];
    }),
  );
  const { plan } = archNetwork({ ...arch, space });
  for (const layer of convLayers(plan)) {
    if (!given.has(layer.slot))
      throw new InputError(`${path}, field channels: no entry for layer "${layer.slot}"`);
  }
  return { ...arch, space, shape };
}
