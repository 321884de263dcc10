import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../errors.js";
import { readJsonFile } from "../files/readFile.js";
import { checkTensors, loadTensors, saveTensors } from "../files/tensorFiles.js";

/**
 * A checkpoint: variables by stable key (weights, BN statistics, momentum buffers, architecture
 * logits) plus JSON state (epoch, metrics so far, the settings it belongs to). The binary file is
 * named by its checksum (`NAME-<sha256 prefix>.bin`) and the JSON, written after it, names it:
 * a run killed between the two writes leaves the previous JSON with the previous binary file, so
 * --resume picks up from the last completed epoch, and a damaged binary file is refused.
 */
export async function saveCheckpoint(
  dir: string,
  name: string,
  variables: Map<string, tf.Tensor>,
  state: object,
): Promise<void> {
  const current = await saveTensors(
    dir,
    `${name}.json`,
    (sha256) => `${name}-${sha256.slice(0, 16)}.bin`,
    variables,
    { state },
  );
  // earlier epochs' binary files (and NAME.bin from before content names) are no longer named
  const stale = new RegExp(`^${name}(-[0-9a-f]{16})?\\.bin$`);
  for (const file of readdirSync(dir)) {
    if (file !== current && stale.test(file)) rmSync(join(dir, file), { force: true });
  }
}

export function hasCheckpoint(dir: string, name: string): boolean {
  return existsSync(join(dir, `${name}.json`));
}

/** The state object of checkpoint JSON `value`, or an InputError: `{}` is no checkpoint. */
function stateOf<State>(value: unknown, path: string): State {
  const state = (value as { state?: unknown } | null)?.state;
  if (typeof state !== "object" || state === null || Array.isArray(state)) {
    throw new InputError(`${path}: not a checkpoint (no state object)`);
  }
  return state as State;
}

/** A checkpoint's JSON state alone, its tensors left unread. */
export function readCheckpointState<State>(dir: string, name: string): State {
  const path = join(dir, `${name}.json`);
  return stateOf<State>(readJsonFile(path), path);
}

/**
 * Checks a checkpoint's files (JSON, state, binary file's size and checksum) without loading its
 * tensors, so a command can refuse a damaged one before it starts; returns its state.
 */
export function checkCheckpoint<State>(dir: string, name: string): State {
  const { manifest } = checkTensors(dir, `${name}.json`);
  return stateOf<State>(manifest, join(dir, `${name}.json`));
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
  const path = join(dir, `${name}.json`);
  const { tensors, extra } = loadTensors(dir, `${name}.json`);
  const state = stateOf<State>(extra, path);
  for (const [key, variable] of variables) {
    const saved = tensors[key];
    if (!saved || saved.shape.join("x") !== variable.shape.join("x")) {
      tf.dispose(Object.values(tensors));
      throw new InputError(
        `${path}: checkpoint does not match this run (variable ${key}); start without --resume or use another --out`,
      );
    }
    variable.assign(saved);
  }
  const rest: tf.NamedTensorMap = {};
  for (const [key, tensor] of Object.entries(tensors)) {
    if (variables.has(key)) tensor.dispose();
    else rest[key] = tensor;
  }
  return { state, rest };
}
