import { existsSync } from "node:fs";
import { InputError } from "../../errors.js";
import type { Layer } from "../../layers/layer.js";
import { readLayersFile } from "../../layers/readLayers.js";
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

/** The layers of a --net flag; rows without a batch take `batch`. */
export function readNetwork(spec: string, flag: string, batch: number): Layer[] {
  const source = networkSource(spec, flag);
  return source.kind === "file"
    ? readLayersFile(source.path, batch)
    : zooNetwork(source.name, batch);
}
