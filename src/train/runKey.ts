import { createHash } from "node:crypto";
import { join } from "node:path";
import type { ArchFile } from "../model/archFile.js";
import { hasCheckpoint, readCheckpointState } from "./checkpoint.js";

/** The one name of a training run's checkpoint (checkpoint.json + checkpoint-<sha256 prefix>.bin in its folder). */
export const trainCheckpointName = "checkpoint";

/**
 * What a training run's numbers depend on, besides the data folder: saved in its checkpoint, so
 * a resumed run that would continue with other settings (and so end somewhere no uninterrupted
 * run ends) is refused instead.
 */
export interface TrainRunKey {
  /** sha256 of the arch file's JSON */
  arch: string;
  backend: string;
  epochs: number;
  batch: number;
  learningRate: number;
  momentum: number;
  weightDecay: number;
  clipNorm: number;
  schedule: "step" | "one-cycle";
  nesterov: boolean;
  seed: number;
  /** the training subset the data was cut to (0: all) */
  imagesPerClass: number;
  /**
   * data-parallel worker threads: batch norm normalizes per share, so another count ends
   * elsewhere (absent in checkpoints from before it was recorded: not checked)
   */
  workers?: number;
}

const runKeyFields: (keyof TrainRunKey)[] = [
  "arch",
  "backend",
  "epochs",
  "batch",
  "learningRate",
  "momentum",
  "weightDecay",
  "clipNorm",
  "schedule",
  "nesterov",
  "seed",
  "imagesPerClass",
  "workers",
];

function archDigest(arch: ArchFile): string {
  return createHash("sha256").update(JSON.stringify(arch)).digest("hex");
}

/** The key of a run of `arch` with these options (defaults: step schedule, no Nesterov). */
export function trainRunKey(
  arch: ArchFile,
  options: Omit<TrainRunKey, "arch" | "schedule" | "nesterov" | "workers"> &
    Partial<Pick<TrainRunKey, "schedule" | "nesterov" | "workers">>,
): TrainRunKey {
  return {
    arch: archDigest(arch),
    backend: options.backend,
    epochs: options.epochs,
    batch: options.batch,
    learningRate: options.learningRate,
    momentum: options.momentum,
    weightDecay: options.weightDecay,
    clipNorm: options.clipNorm,
    schedule: options.schedule ?? "step",
    nesterov: options.nesterov ?? false,
    seed: options.seed,
    imagesPerClass: options.imagesPerClass,
    workers: options.workers ?? 1,
  };
}

/** The key saved with the checkpoint in `dir`; undefined without one (or from before keys). */
export function savedRunKey(dir: string): TrainRunKey | undefined {
  if (!hasCheckpoint(dir, trainCheckpointName)) return undefined;
  return readCheckpointState<{ run?: TrainRunKey }>(dir, trainCheckpointName).run;
}

/** The first setting in which two runs differ, or undefined when one continues the other. */
export function runKeyDifference(
  saved: TrainRunKey,
  current: TrainRunKey,
): keyof TrainRunKey | undefined {
  return runKeyFields.find(
    (field) =>
      saved[field] !== current[field] && !(field === "workers" && saved.workers === undefined),
  );
}

export const trainCheckpointPath = (dir: string) => join(dir, `${trainCheckpointName}.json`);
