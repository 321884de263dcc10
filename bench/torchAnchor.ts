/**
 * Runs bench/anchors/torch_train.py, the bench's plain and mixed networks written in PyTorch, with
 * the first Python that imports torch: `python3`, else Debian's /usr/bin/python3 (where
 * python3-torch installs it when `python3` is another interpreter).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../src/projectRoot.js";

const pythons = ["python3", "/usr/bin/python3"];

export interface TorchNetwork {
  params: number;
  macsPerImage: number;
  /** by thread count ("1", "2") */
  imagesPerSec: Record<string, number>;
}

export interface TorchAnchor {
  python: string;
  torch: string;
  batch: number;
  steps: number;
  networks: { plain: TorchNetwork; mixed: TorchNetwork };
}

/** The first interpreter that imports torch, or undefined. */
export function torchPython(): string | undefined {
  return pythons.find(
    (python) => spawnSync(python, ["-c", "import torch"], { stdio: "ignore" }).status === 0,
  );
}

export function runTorchAnchor(options: {
  threads: number[];
  steps: number;
  batch: number;
}): TorchAnchor {
  const python = torchPython();
  if (python === undefined) {
    throw new Error(
      `bench train --against-torch: no Python here imports torch (tried ${pythons.join(", ")}); on Debian: apt-get install python3-torch`,
    );
  }
  const script = join(projectRoot(), "bench", "anchors", "torch_train.py");
  const args = [
    script,
    "--threads",
    options.threads.join(","),
    "--steps",
    String(options.steps),
    "--batch",
    String(options.batch),
  ];
  const run = spawnSync(python, args, { encoding: "utf8" });
  if (run.status !== 0) {
    throw new Error(
      `bench train: ${python} ${script} failed: ${run.stderr.trim().split("\n").at(-1)}`,
    );
  }
  return { python, ...JSON.parse(run.stdout) };
}
