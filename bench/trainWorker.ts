/**
 * A rank of `bench train --workers`: one network on a share of the batch, first in lockstep
 * (gradients and batch statistics combined every step), then independent (each rank applies its
 * own update to its own copy, nothing combined), back to back in the same threads.
 */
import { serveLockstep } from "../src/pool/lockstepRun.js";
import { type BackendName, selectBackend } from "../src/train/backend.js";
import { type BenchNetwork, benchNetworks, type TrainingTime, timeTraining } from "./train.js";

export interface ParallelBenchTask {
  backend: BackendName;
  network: BenchNetwork;
  batch: number;
  steps: number;
}

export interface ParallelBenchTimes {
  lockstep: TrainingTime;
  independent: TrainingTime;
}

serveLockstep<ParallelBenchTask, ParallelBenchTimes>(async (task, lockstep, progress) => {
  await selectBackend(task.backend);
  const report = (mode: string) => (done: number, total: number) => progress({ mode, done, total });
  const net = benchNetworks[task.network];
  const time = (combine: boolean, mode: string) =>
    timeTraining(net(), task.batch, task.steps, report(mode), { lockstep, combine });
  return { lockstep: time(true, "lockstep"), independent: time(false, "independent") };
});
