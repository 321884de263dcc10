/**
 * Both ends of a lockstep run: the parent starts one worker thread per rank on the same task and
 * takes rank 0's progress and result; each worker joins the group and runs the task. A rank that
 * throws or dies aborts the group (the others stop waiting for it), every thread is ended, and
 * the run rejects with one line: it never hangs on a missing rank.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { InputError, WorkerFailure } from "../errors.js";
import {
  abortLockstep,
  joinLockstep,
  type Lockstep,
  LockstepAborted,
  type LockstepMemory,
  lockstepMemory,
} from "./lockstep.js";

interface RankData<Task> {
  memory: LockstepMemory;
  rank: number;
  task: Task;
}

type RankMessage =
  | { kind: "progress"; value: unknown }
  | { kind: "result"; value: unknown }
  | { kind: "error"; name: string; message: string };

/**
 * Runs `task` on `ranks` worker threads of the built `file` (which calls serveLockstep) and
 * returns rank 0's result; `onProgress` sees what rank 0 reports. `hint` ends the line of a
 * WorkerFailure (where to resume from).
 */
export function runLockstep<Task, Result>(
  file: string,
  ranks: number,
  task: Task,
  onProgress?: (value: unknown) => void,
  hint?: string,
): Promise<Result> {
  const memory = lockstepMemory(ranks);
  const workers = Array.from(
    { length: ranks },
    (_, rank) => new Worker(file, { workerData: { memory, rank, task } satisfies RankData<Task> }),
  );
  return new Promise<Result>((resolve, reject) => {
    let result: { value: Result } | undefined;
    let failure: Error | undefined;
    let running = ranks;
    const fail = (error: Error) => {
      if (failure) return;
      failure =
        error instanceof WorkerFailure && hint
          ? new WorkerFailure(`${error.message}; ${hint}`)
          : error;
      abortLockstep(memory);
      for (const worker of workers) void worker.terminate();
    };
    workers.forEach((worker, rank) => {
      const which = `worker thread ${rank + 1} of ${ranks}`;
      worker.on("message", (message: RankMessage) => {
        if (message.kind === "progress") onProgress?.(message.value);
        else if (message.kind === "result") result = { value: message.value as Result };
        else if (message.name === "InputError") fail(new InputError(message.message));
        else if (message.name !== "LockstepAborted") {
          fail(new WorkerFailure(`${which} failed: ${message.message}`));
        }
      });
      worker.on("error", (error) => fail(new WorkerFailure(`${which} failed: ${error.message}`)));
      worker.on("exit", (code) => {
        if (code !== 0) fail(new WorkerFailure(`${which} stopped (exit code ${code})`));
        if (--running > 0) return;
        if (failure) reject(failure);
        else if (result) resolve(result.value);
        else reject(new WorkerFailure(`${which} ended without a result`));
      });
    });
  });
}

/**
 * The worker side: joins the group and runs `run` on the task; rank 0's progress and result go to
 * the parent. UBOOST_LOCKSTEP_CRASH=RANK:SUMS (tests) ends rank RANK's thread at its SUMS-th sum.
 */
export function serveLockstep<Task, Result>(
  run: (task: Task, lockstep: Lockstep, progress: (value: unknown) => void) => Promise<Result>,
): void {
  if (isMainThread || !parentPort) throw new Error("serveLockstep runs in a worker thread");
  const port = parentPort;
  const { memory, rank, task } = workerData as RankData<Task>;
  const lockstep = crashHookForTests(joinLockstep(memory, rank));
  const progress = (value: unknown) => {
    if (rank === 0) port.postMessage({ kind: "progress", value } satisfies RankMessage);
  };
  run(task, lockstep, progress).then(
    (value) => {
      if (rank === 0) port.postMessage({ kind: "result", value } satisfies RankMessage);
    },
    (error: Error) => {
      const name = error instanceof LockstepAborted ? "LockstepAborted" : error.name;
      port.postMessage({ kind: "error", name, message: error.message } satisfies RankMessage);
      process.exitCode = 1;
    },
  );
}

function crashHookForTests(lockstep: Lockstep): Lockstep {
  const [rank, sums] = (process.env.UBOOST_LOCKSTEP_CRASH ?? "").split(":").map(Number);
  if (rank !== lockstep.rank || !(sums > 0)) return lockstep;
  let done = 0;
  return {
    ...lockstep,
    sum: (values, weight, into) => {
      if (++done >= sums) process.exit(1);
      return lockstep.sum(values, weight, into);
    },
  };
}
