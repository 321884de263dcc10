/** A search's outputs that are a function of its flags alone (timing.json and the like aside). */
export const repeatableSearchOutputs = [
  "arch.json",
  "metrics.jsonl",
  "final.json",
  "checkpoint-micro.bin",
  "checkpoint-channel.bin",
  "final/metrics.jsonl",
  "final/model/model.json",
  "final/model/weights.bin",
];
