import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "./atomicWrite.js";

/**
 * Named tensors in the tfjs weights format: a JSON file with `weightsManifest` (tfjs's own
 * layout, so tfjs tooling can read the weights) and a binary file beside it. Used for the saved
 * models (model.json + weights.bin) and for checkpoints (with extra state in the JSON).
 */
export async function saveTensors(
  dir: string,
  jsonName: string,
  binName: string,
  tensors: Map<string, tf.Tensor>,
  extra: Record<string, unknown>,
): Promise<void> {
  const named = [...tensors].map(([name, tensor]) => ({ name, tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  writeFileAtomic(join(dir, binName), new Uint8Array(data));
  const manifest = { ...extra, weightsManifest: [{ paths: [binName], weights: specs }] };
  writeFileAtomic(join(dir, jsonName), `${JSON.stringify(manifest)}\n`);
}

export function loadTensors(
  dir: string,
  jsonName: string,
): { tensors: tf.NamedTensorMap; extra: Record<string, unknown> } {
  const path = join(dir, jsonName);
  let manifest: {
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  } & Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InputError(`${path}: cannot read (${(error as Error).message.split("\n")[0]})`);
  }
  const [group] = manifest.weightsManifest;
  const bytes = readFileSync(join(dir, group.paths[0]));
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const tensors = tf.io.decodeWeights(buffer, group.weights);
  const { weightsManifest: _, ...extra } = manifest;
  return { tensors, extra };
}
