/**
 * The queue side of a Pareto worker: takes jobs from BullMQ and runs each task on a piscina pool
 * of the same worker file the local pool uses (src/pareto/worker.ts), so the main thread stays
 * free to renew the jobs' locks while tasks train. A payload is checked before anything runs:
 * one that fails the schema, names data outside the data root (links included) or data of another
 * content hash is refused (failed without retry) and the worker takes the next job. A failed
 * task's folder is removed; a handed-back one is kept, to resume if the task comes back here.
 */
import { existsSync, rmSync, statSync } from "node:fs";
import { type Job, UnrecoverableError, WaitingError, Worker } from "bullmq";
import { folderHash } from "../../data/contentHash.js";
import { InputError } from "../../errors.js";
import { containedPath, linkProblem } from "../../files/containedPath.js";
import { type PackedFile, packFolder } from "../../files/folderPack.js";
import { builtWorkerFile, createPool } from "../../pool/chunkPool.js";
import { connectionOptions } from "../../queue/connection.js";
import { maskSecret, type RedisTarget } from "../../queue/redisUrl.js";
import type { TaskInput, TaskRunResult } from "../worker.js";
import {
  checkParetoJob,
  jobIdOf,
  type ParetoJob,
  type ParetoJobResult,
  paretoQueueName,
} from "./job.js";

export interface QueueWorkerOptions {
  target: RedisTarget;
  /** tasks run at once, one thread each */
  concurrency: number;
  /** jobs name their data relative to this folder */
  dataRoot: string;
  /** where task folders live while they run */
  workDir: string;
  /** shown in the coordinator's progress for each task this worker runs */
  name: string;
  /** a job whose lock is not renewed for this long goes back to the queue (a killed worker's) */
  lockSeconds: number;
  log: (line: string) => void;
}

export interface QueueWorker {
  /** Stops taking jobs; running ones finish (`handBack`: go back to the queue at once). */
  stop(handBack: boolean): Promise<void>;
  /** running tasks */
  running(): number;
}

/**
 * A result carries the task folder through Redis: the paper preset's final network is a few
 * MiB; past this something is wrong, and the job fails rather than flood Redis.
 */
export const maxResultBytes = 256 * 2 ** 20;

/** Resume state (checkpoints) stays on the worker; everything a local run's OUT shows is shipped. */
const isShipped = (path: string) => !/(^|\/)checkpoint[^/]*$/.test(path);

export function startQueueWorker(options: QueueWorkerOptions): QueueWorker {
  const { log, target } = options;
  const pool = createPool(builtWorkerFile("pareto/worker.js"), options.concurrency, undefined);
  const hashes = new Map<string, Promise<string>>();
  let running = 0;
  const processor = async (job: Job, token?: string, signal?: AbortSignal) => {
    let payload: ParetoJob;
    let dataDir: string;
    try {
      payload = checkParetoJob(job.data);
      dataDir = await checkedData(payload, options.dataRoot, hashes);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      log(`job ${job.id} refused: ${error.message}`);
      throw new UnrecoverableError(`refused by ${options.name}: ${error.message}`);
    }
    const dir = containedPath(options.workDir, jobIdOf(payload));
    const input: TaskInput = {
      task: payload.task,
      dir,
      dataDir,
      space: payload.space,
      table: payload.table,
      backend: payload.backend,
    };
    log(`job ${job.id} started: task ${payload.task.key}`);
    running++;
    try {
      const result: TaskRunResult = await pool.run(input, { signal });
      const files = shippedFiles(dir);
      rmSync(dir, { recursive: true, force: true });
      log(`job ${job.id} finished: task ${payload.task.key} in ${result.seconds.toFixed(1)} s`);
      return { worker: options.name, seconds: result.seconds, files } satisfies ParetoJobResult;
    } catch (error) {
      if (signal?.aborted && token !== undefined) {
        await job.moveToWait(token);
        log(`job ${job.id} handed back: task ${payload.task.key}`);
        throw new WaitingError();
      }
      // A retry starts the task afresh (same seed, same bytes) wherever it runs: the folder of a
      // failed attempt would only be left behind.
      rmSync(dir, { recursive: true, force: true });
      log(`job ${job.id} failed: task ${payload.task.key}: ${oneLine(error)}`);
      throw error;
    } finally {
      running--;
    }
  };
  const worker = new Worker(paretoQueueName, processor, {
    connection: connectionOptions(target),
    concurrency: options.concurrency,
    name: options.name,
    lockDuration: options.lockSeconds * 1e3,
    stalledInterval: options.lockSeconds * 1e3,
    // A job stalled twice (its worker killed twice) fails, as a task whose thread crashed twice.
    maxStalledCount: 1,
  });
  worker.on("error", (error) => log(`queue error: ${maskSecret(oneLine(error), target)}`));
  let closing: Promise<void> | undefined;
  return {
    running: () => running,
    stop(handBack) {
      if (handBack) worker.cancelAllJobs("handed back");
      closing ??= worker.close().then(() => pool.destroy());
      return closing;
    },
  };
}

/** The job's data folder under the root, once its content hash matches the study's. */
async function checkedData(
  job: ParetoJob,
  dataRoot: string,
  hashes: Map<string, Promise<string>>,
): Promise<string> {
  const dir = containedPath(dataRoot, job.data.path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(`data ${job.data.path}: no such folder under --data-root ${dataRoot}`);
  }
  const linked = linkProblem(dataRoot, dir);
  if (linked !== undefined) {
    throw new InputError(
      `data ${job.data.path}: ${linked} (--data-root); a worker reads only what lies under its root`,
    );
  }
  // Hashed once per worker: a data root is not expected to change under a running worker.
  if (!hashes.has(dir)) hashes.set(dir, folderHash(dir));
  const hash = await (hashes.get(dir) as Promise<string>);
  if (hash !== job.data.hash) {
    throw new InputError(
      `data ${job.data.path}: this copy hashes to ${hash.slice(0, 12)}…, the study's to ${job.data.hash.slice(0, 12)}… (copy the coordinator's folder)`,
    );
  }
  return dir;
}

/** The task folder's results, final.json last so a reader never sees it before the rest. */
function shippedFiles(dir: string): PackedFile[] {
  const files = packFolder(dir, isShipped, maxResultBytes);
  return [
    ...files.filter((file) => file.path !== "final.json"),
    ...files.filter((file) => file.path === "final.json"),
  ];
}

const oneLine = (error: unknown) =>
  ((error as Error)?.message ?? String(error)).replace(/\s*[\r\n]+\s*/g, " ");
