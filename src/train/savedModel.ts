/**
 * The trained network a run leaves behind: `model/model.json` + `weights.bin` (tfjs's weights
 * format; modelTopology is the arch file, userDefinedMetadata the test top-1 and the input
 * normalization). A search run keeps it under `final/`, a `train` run at its top.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import type { ChannelStatistics } from "../data/imageSet.js";
import { InputError } from "../errors.js";
import { loadTensors, saveTensors } from "../files/tensorFiles.js";
import { type ArchFile, validateArch } from "../model/archFile.js";

export interface SavedModel {
  /** the folder holding model.json */
  dir: string;
  arch: ArchFile;
  weights: tf.NamedTensorMap;
  testTop1: number;
  normalization: ChannelStatistics;
}

export async function saveModel(
  dir: string,
  arch: ArchFile,
  named: Map<string, tf.Variable>,
  metadata: { testTop1: number; normalization: ChannelStatistics },
): Promise<void> {
  mkdirSync(join(dir, "model"), { recursive: true });
  await saveTensors(join(dir, "model"), "model.json", "weights.bin", named, {
    format: "uboost-network/1",
    generatedBy: "uboost train",
    modelTopology: arch,
    userDefinedMetadata: metadata,
  });
  writeFileSync(
    join(dir, "model", "README.txt"),
    "Load with tf.io: the weights manifest is tfjs's; modelTopology is the uboost arch file.\n",
  );
}

/** The model folder of a run: `final/model` (search), `model` (train), or the folder itself. */
export function savedModelDir(run: string): string {
  const candidates = [join(run, "final", "model"), join(run, "model"), run];
  const found = candidates.find((dir) => existsSync(join(dir, "model.json")));
  if (!found) {
    throw new InputError(
      `--run ${run}: no trained model (model.json under final/model/ or model/); has the run finished?`,
    );
  }
  return found;
}

export function readSavedModel(run: string): SavedModel {
  const dir = savedModelDir(run);
  const { tensors, extra } = loadTensors(dir, "model.json");
  const path = join(dir, "model.json");
  const arch = validateArch(extra.modelTopology, `${path}, modelTopology`);
  const metadata = (extra.userDefinedMetadata ?? {}) as Partial<SavedModel>;
  const normalization = metadata.normalization;
  const three = (values: unknown) =>
    Array.isArray(values) &&
    values.length === arch.shape.inChannels &&
    values.every(Number.isFinite);
  if (!normalization || !three(normalization.mean) || !three(normalization.std)) {
    throw new InputError(
      `${path}: no input normalization in userDefinedMetadata (the run was trained before uboost recorded it); train it again`,
    );
  }
  return { dir, arch, weights: tensors, testTop1: Number(metadata.testTop1), normalization };
}
