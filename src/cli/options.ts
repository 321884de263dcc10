import { existsSync } from "node:fs";
import type { ArrayShape } from "../engine/network.js";
import { InputError } from "../errors.js";
import type { Layer } from "../layers/layer.js";
import { readLayersFile } from "../layers/readLayers.js";
import { positiveInteger } from "../layers/validate.js";
import { defaultWorkers, maxWorkers, workersPerCore } from "../pool/chunkPool.js";
import { zooNames, zooNetwork } from "../zoo/index.js";

/** "128x64" → 128 rows × 64 columns. */
export function parseArrayShape(spec: string, flag = "--array"): ArrayShape {
  const match = /^\s*(\d+)\s*[xX×]\s*(\d+)\s*$/.exec(String(spec));
  if (!match) throw new InputError(`${flag}: expected ROWSxCOLS such as 128x128 (got "${spec}")`);
  return {
    rows: positiveInteger(match[1], flag, "rows"),
    cols: positiveInteger(match[2], flag, "cols"),
  };
}

export function parsePositiveInteger(value: unknown, flag: string): number {
  const parsed =
    typeof value === "number"
      ? value
      : /^\s*\d+\s*$/.test(String(value))
        ? Number(value)
        : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new InputError(`${flag}: must be a positive integer (got ${JSON.stringify(value)})`);
  }
  return parsed;
}

export function parsePositiveNumber(value: unknown, flag: string): number {
  const parsed = typeof value === "number" ? value : Number(String(value).trim() || Number.NaN);
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw new InputError(`${flag}: must be a positive number (got ${JSON.stringify(value)})`);
  }
  return parsed;
}

/** --net takes a zoo name or a layer file; a path that exists wins over a zoo name. */
export function resolveNetwork(spec: string, batch: number): Layer[] {
  if (existsSync(spec)) return readLayersFile(spec, batch);
  if (zooNames().includes(spec)) return zooNetwork(spec, batch);
  throw new InputError(
    `--net: "${spec}" is neither a file nor a zoo network (${zooNames().join(", ")})`,
  );
}

/** --workers: the cores by default; more than workersPerCore per core is capped, with a note. */
export function parseWorkers(value: string | undefined): number {
  if (value === undefined) return defaultWorkers();
  const requested = parsePositiveInteger(value, "--workers");
  const cap = maxWorkers();
  if (requested <= cap) return requested;
  process.stderr.write(
    `uboost: --workers ${requested} capped at ${cap} (${workersPerCore} per core; more only wait for the cores)\n`,
  );
  return cap;
}
