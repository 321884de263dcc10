/** A rank of `bench train --workers`: the plain and the mixed network, each on a share of the batch. */
import { serveLockstep } from "../src/pool/lockstepRun.js";
import { type BackendName, selectBackend } from "../src/train/backend.js";
import { mixedNet, plainNet, type TrainingTime, timeTraining } from "./train.js";

export interface ParallelBenchTask {
  backend: BackendName;
  batch: number;
  steps: number;
}

export interface ParallelBenchTimes {
  plain: TrainingTime;
  mixed: TrainingTime;
}

serveLockstep<ParallelBenchTask, ParallelBenchTimes>(async (task, lockstep, progress) => {
  await selectBackend(task.backend);
  const report = (network: string) => (done: number, total: number) =>
    progress({ network, done, total });
  const plain = timeTraining(plainNet(), task.batch, task.steps, report("plain"), lockstep);
  const mixed = timeTraining(mixedNet(), task.batch, task.steps, report("mixed"), lockstep);
  return { plain, mixed };
});
