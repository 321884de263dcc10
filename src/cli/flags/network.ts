import { existsSync } from "node:fs";
import { InputError } from "../../errors.js";
import { type ImportedNetwork, readNetworkFile } from "../../layers/networkFile.js";
import { zooNames, zooNetwork } from "../../zoo/index.js";

export type NetworkSource = { kind: "file"; path: string } | { kind: "zoo"; name: string };

/** A network flag (cost/simulate --net, sweep --nets): a path that exists wins over a zoo name. */
export function networkSource(spec: string, flag: string): NetworkSource {
  if (existsSync(spec)) return { kind: "file", path: spec };
  if (zooNames().includes(spec)) return { kind: "zoo", name: spec };
  throw new InputError(
    `${flag}: "${spec}" is neither a file nor a zoo network (${zooNames().join(", ")})`,
  );
}

export interface NetworkFlags {
  /** --batch as given, or undefined for the command's default */
  batch?: string;
  /** --input-shape, parsed */
  inputShape?: number[];
}

/**
 * The layers of a --net flag. Layer rows without a batch and zoo networks take `batch`; an ONNX
 * model keeps its own N unless --batch was given.
 */
export function readNetwork(
  spec: string,
  flag: string,
  batch: number,
  given: NetworkFlags = {},
): ImportedNetwork {
  const source = networkSource(spec, flag);
  if (source.kind === "zoo") return { layers: zooNetwork(source.name, batch) };
  return readLayersFlag(source.path, batch, given);
}

/** The layers of a --layers flag: a layer file or an ONNX model, never a zoo name. */
export function readLayersFlag(
  path: string,
  batch: number,
  given: NetworkFlags = {},
): ImportedNetwork {
  return readNetworkFile(path, {
    batch,
    batchGiven: given.batch !== undefined,
    inputShape: given.inputShape,
  });
}
