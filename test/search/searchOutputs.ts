import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** A checkpoint's binary file, named by its checksum in the checkpoint's JSON. */
export function checkpointBin(root: string, json: string): string {
  const manifest = JSON.parse(readFileSync(join(root, json), "utf8"));
  return join(dirname(json), manifest.weightsManifest[0].paths[0]);
}

/**
 * A search's outputs that are a function of its flags alone (timing.json and the like aside), the
 * stage checkpoints' binary files named as in the search in `root`.
 */
export function repeatableSearchOutputs(root: string): string[] {
  return [
    "arch.json",
    "metrics.jsonl",
    "final.json",
    checkpointBin(root, "checkpoint-micro.json"),
    checkpointBin(root, "checkpoint-channel.json"),
    "final/metrics.jsonl",
    "final/model/model.json",
    "final/model/weights.bin",
  ];
}
