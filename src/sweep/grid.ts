/**
 * A sweep's grid: networks × array shapes × batch sizes, addressed by one row index in mixed
 * radix (batch fastest, then array, then network). Nothing ever lists the grid: a 10-million-row
 * sweep is its spec plus an index, so any row can be rebuilt anywhere (a worker, a resume scan).
 */
import type { ArrayShape } from "../engine/network.js";
import { InputError } from "../errors.js";
import type { SimConfig } from "../hw/simulator/config.js";
import type { Layer } from "../layers/layer.js";
import { readNetworkFile } from "../layers/networkFile.js";
import { spaceByName } from "../spaces/index.js";
import { spaceInput } from "../spaces/space.js";
import { zooNetwork } from "../zoo/index.js";
import { familyLayer, type LayerFamily } from "./family.js";

export type SweepNetwork =
  | { kind: "zoo"; name: string }
  /** a layer file or ONNX model; an ONNX model's N is the row's batch, its other dims inputShape's */
  | { kind: "file"; path: string; inputShape?: number[] }
  | { kind: "family"; family: LayerFamily }
  /** an architecture of a published space, by its canonical string, on one of its datasets */
  | { kind: "arch"; space: string; dataset: string; arch: string };

/** Plain data (structured-cloneable): workers receive it as is. */
export interface SweepSpec {
  networks: SweepNetwork[];
  arrays: ArrayShape[];
  batches: number[];
  /** a cost model name from src/hw/models */
  model: string;
  /** everything but the array shape, which each row sets */
  hardware: SimConfig;
  /** a blackbox table file, for --model blackbox */
  tablePath?: string;
}

export interface GridPoint {
  /** index into spec.networks */
  network: number;
  /** a family's value index; 0 for a zoo or file network */
  member: number;
  array: number;
  batch: number;
}

/** Networks (family members counted one by one) on the outer digit. */
export function networkCount(network: SweepNetwork): number {
  return network.kind === "family" ? network.family.count : 1;
}

export function gridSize(spec: SweepSpec): number {
  const members = spec.networks.reduce((sum, network) => sum + networkCount(network), 0);
  return members * spec.arrays.length * spec.batches.length;
}

export function gridPoint(spec: SweepSpec, index: number): GridPoint {
  const batch = index % spec.batches.length;
  const rest = (index - batch) / spec.batches.length;
  const array = rest % spec.arrays.length;
  let member = (rest - array) / spec.arrays.length;
  for (let network = 0; network < spec.networks.length; network++) {
    const count = networkCount(spec.networks[network]);
    if (member < count) return { network, member, array, batch };
    member -= count;
  }
  throw new RangeError(`row ${index} is beyond the sweep's ${gridSize(spec)} rows`);
}

export function gridIndex(spec: SweepSpec, point: GridPoint): number {
  let members = point.member;
  for (let network = 0; network < point.network; network++) {
    members += networkCount(spec.networks[network]);
  }
  return (members * spec.arrays.length + point.array) * spec.batches.length + point.batch;
}

/**
 * The summary's cell of a point: the network (a whole family counts as one) × array × batch.
 * Cells are few (networks × arrays × batches), however many rows a family has.
 */
export function summaryCell(spec: SweepSpec, point: GridPoint): number {
  return (point.network * spec.arrays.length + point.array) * spec.batches.length + point.batch;
}

/**
 * The name rows and the summary give a network: zoo name, file path, the architecture string (as
 * the space's public datasets key it, so rows join with them), or the family's spec.
 */
export function networkName(network: SweepNetwork): string {
  if (network.kind === "zoo") return network.name;
  if (network.kind === "file") return network.path;
  if (network.kind === "arch") return network.arch;
  return network.family.label;
}

/**
 * The layers one row costs. Zoo and file networks take the batch for rows without one; an ONNX
 * model runs at the row's batch.
 */
export function sweepRowLayers(network: SweepNetwork, member: number, batch: number): Layer[] {
  if (network.kind === "zoo") return zooNetwork(network.name, batch);
  if (network.kind === "file") {
    const { path, inputShape } = network;
    return readNetworkFile(path, { batch, batchGiven: true, inputShape }).layers;
  }
  if (network.kind === "arch") {
    const space = spaceByName(network.space);
    return space.layersOf(space.parse(network.arch), spaceInput(space, network.dataset), batch);
  }
  return [familyLayer(network.family, member, batch)];
}

/** Throws an InputError for a grid that has nothing to sweep or two rows with one name. */
export function validateGrid(spec: SweepSpec): void {
  if (spec.networks.length === 0)
    throw new InputError("sweep: give --nets, --family and/or --space");
  if (spec.arrays.length === 0) throw new InputError("sweep: --arrays is empty");
  if (spec.batches.length === 0) throw new InputError("sweep: --batches is empty");
  const names = new Set<string>();
  for (const network of spec.networks) {
    const name = networkName(network);
    if (names.has(name)) throw new InputError(`sweep: network "${name}" is given twice`);
    names.add(name);
  }
  const size = gridSize(spec);
  if (size > maxGridRows) {
    throw new InputError(`sweep: ${size} rows is more than the ${maxGridRows} one sweep can track`);
  }
}

/** One bit a row in memory (the done set): 2^33 rows would take a GiB. */
export const maxGridRows = 2 ** 32;
