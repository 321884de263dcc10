import { defaultWorkers, maxWorkers, workersPerCore } from "../../pool/chunkPool.js";
import { positiveInteger } from "./numbers.js";

/** --workers: the cores by default; more than workersPerCore per core is capped, with a note. */
export function parseWorkers(value: string | undefined): number {
  if (value === undefined) return defaultWorkers();
  const requested = positiveInteger(value, "--workers");
  const cap = maxWorkers();
  if (requested <= cap) return requested;
  process.stderr.write(
    `uboost: --workers ${requested} capped at ${cap} (${workersPerCore} per core; more only wait for the cores)\n`,
  );
  return cap;
}
