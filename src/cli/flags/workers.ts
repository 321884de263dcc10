import { defaultWorkers, maxWorkers, workersPerCore } from "../../pool/chunkPool.js";
import { positiveInteger } from "./numbers.js";

/**
 * --workers: the cores by default (a resumed run's `recorded` count, which it must keep to end
 * where an uninterrupted run ends); more than workersPerCore per core is capped, with a note.
 */
export function parseWorkers(value: string | undefined, recorded?: number): number {
  if (value === undefined) return recorded ?? defaultWorkers();
  const requested = positiveInteger(value, "--workers");
  const cap = maxWorkers();
  if (requested <= cap) return requested;
  process.stderr.write(
    `uboost: --workers ${requested} capped at ${cap} (${workersPerCore} per core; more only wait for the cores)\n`,
  );
  return cap;
}
