import { existsSync } from "node:fs";
import { join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { InputError } from "../errors.js";
import { readJsonFile } from "../files/readFile.js";
import { loadTensors, saveTensors } from "../files/tensorFiles.js";

/**
 * A checkpoint: variables by stable key (weights, BN statistics, momentum buffers, architecture
 * logits) plus JSON state (epoch, metrics so far). Written atomically, so an interrupted run
 * resumes from the last completed epoch.
 */
export async function saveCheckpoint(
  dir: string,
  name: string,
  variables: Map<string, tf.Tensor>,
  state: object,
): Promise<void> {
  await saveTensors(dir, `${name}.json`, `${name}.bin`, variables, { state });
}

export function hasCheckpoint(dir: string, name: string): boolean {
  return existsSync(join(dir, `${name}.json`));
}

/** A checkpoint's JSON state alone, its tensors left unread. */
export function readCheckpointState<State>(dir: string, name: string): State {
  return (readJsonFile(join(dir, `${name}.json`)) as { state: State }).state;
}

/**
 * Loads a checkpoint into the given variables (every key must be present) and returns its state
 * and the saved tensors no variable took (optimizer state; the caller disposes them).
 */
export function restoreCheckpoint<State>(
  dir: string,
  name: string,
  variables: Map<string, tf.Variable>,
): { state: State; rest: tf.NamedTensorMap } {
  const { tensors, extra } = loadTensors(dir, `${name}.json`);
  for (const [key, variable] of variables) {
    const saved = tensors[key];
    if (!saved || saved.shape.join("x") !== variable.shape.join("x")) {
      throw new InputError(
        `${join(dir, `${name}.json`)}: checkpoint does not match this run (variable ${key}); start without --resume or use another --out`,
      );
    }
    variable.assign(saved);
  }
  const rest: tf.NamedTensorMap = {};
  for (const [key, tensor] of Object.entries(tensors)) {
    if (variables.has(key)) tensor.dispose();
    else rest[key] = tensor;
  }
  return { state: extra.state as State, rest };
}
