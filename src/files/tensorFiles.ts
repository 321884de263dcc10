import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../errors.js";
import { writeFileAtomic } from "./atomicWrite.js";
import { readJsonFile } from "./readFile.js";

/**
 * Named tensors in the tfjs weights format: a JSON file with `weightsManifest` (tfjs's own
 * layout, so tfjs tooling can read the weights) and a binary file beside it. Used for the saved
 * models (model.json + weights.bin) and for checkpoints (with extra state in the JSON).
 *
 * The JSON also carries `weightsSha256`, the SHA-256 of the binary file: a binary file that was
 * damaged or overwritten (even with bytes of the right size) is refused on reading instead of
 * being trained on.
 */
export async function saveTensors(
  dir: string,
  jsonName: string,
  /** the binary file's name, or a function of its SHA-256 (hex) for content-named files */
  binName: string | ((sha256: string) => string),
  tensors: Map<string, tf.Tensor>,
  extra: Record<string, unknown>,
): Promise<string> {
  const named = [...tensors].map(([name, tensor]) => ({ name, tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  const bytes = new Uint8Array(data);
  const weightsSha256 = sha256(bytes);
  const binFile = typeof binName === "string" ? binName : binName(weightsSha256);
  writeFileAtomic(join(dir, binFile), bytes);
  const manifest = {
    ...extra,
    weightsSha256,
    weightsManifest: [{ paths: [binFile], weights: specs }],
  };
  writeFileAtomic(join(dir, jsonName), `${JSON.stringify(manifest)}\n`);
  return binFile;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

interface Manifest {
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  weightsSha256?: string;
  [key: string]: unknown;
}

const bytesPerElement: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** The manifest's one weight group, or an InputError saying what the JSON lacks. */
function weightGroup(value: unknown, path: string): Manifest["weightsManifest"][number] {
  const manifest = value as Partial<Manifest> | null;
  const group = Array.isArray(manifest?.weightsManifest) ? manifest.weightsManifest[0] : undefined;
  const specsOk =
    Array.isArray(group?.weights) &&
    group.weights.every(
      (spec) =>
        typeof spec?.name === "string" &&
        Array.isArray(spec.shape) &&
        spec.shape.every((n) => Number.isSafeInteger(n) && n >= 0) &&
        spec.dtype in bytesPerElement &&
        spec.quantization === undefined,
    );
  const path0 = group?.paths?.[0];
  // the binary file sits beside the JSON: a name, never a path elsewhere
  if (!specsOk || typeof path0 !== "string" || basename(path0) !== path0 || path0 === "") {
    throw new InputError(`${path}: not a weights file (missing or malformed weightsManifest)`);
  }
  return group as Manifest["weightsManifest"][number];
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: cannot read (${code === "ENOENT" ? "no such file" : code})`);
  }
}

/**
 * What saveTensors wrote, checked but not decoded. A malformed JSON file, a missing, truncated or
 * (when the JSON carries its checksum) changed binary file is an InputError naming the file;
 * files from before checksums are checked on their size alone.
 */
export function checkTensors(
  dir: string,
  jsonName: string,
): { manifest: Manifest; weights: tf.io.WeightsManifestEntry[]; bytes: Uint8Array } {
  const path = join(dir, jsonName);
  const manifest = readJsonFile(path) as Manifest;
  const group = weightGroup(manifest, path);
  const binPath = join(dir, group.paths[0]);
  const bytes = readBytes(binPath);
  const expected = group.weights.reduce(
    (sum, spec) => sum + spec.shape.reduce((n, d) => n * d, 1) * bytesPerElement[spec.dtype],
    0,
  );
  if (bytes.byteLength !== expected) {
    throw new InputError(
      `${binPath}: ${bytes.byteLength} bytes where ${jsonName} describes ${expected} (truncated or replaced)`,
    );
  }
  if (manifest.weightsSha256 !== undefined && manifest.weightsSha256 !== sha256(bytes)) {
    throw new InputError(
      `${binPath}: checksum differs from the one in ${jsonName} (the file was changed or damaged after it was written)`,
    );
  }
  return { manifest, weights: group.weights, bytes };
}

/** The tensors saveTensors wrote (checked as checkTensors does) and the JSON's other fields. */
export function loadTensors(
  dir: string,
  jsonName: string,
): { tensors: tf.NamedTensorMap; extra: Record<string, unknown> } {
  const { manifest, weights, bytes } = checkTensors(dir, jsonName);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const tensors = tf.io.decodeWeights(buffer as ArrayBuffer, weights);
  const { weightsManifest: _, weightsSha256: __, ...extra } = manifest;
  return { tensors, extra };
}
