/**
 * The coordinator side: a TaskRunner (src/pareto/run.ts) that puts each pending task on the queue
 * as a job with a deterministic id, waits for the jobs to settle, and writes each finished task's
 * files into OUT, so runPareto treats the study as it would a local one. A coordinator that was
 * killed and restarted with --resume finds its jobs under the same ids: finished ones are taken
 * as they are, running ones waited for, and none is enqueued twice.
 */
import { Queue, QueueEvents } from "bullmq";
import { InputError } from "../../errors.js";
import { unpackFolder } from "../../files/folderPack.js";
import { readBlackboxTable } from "../../hw/blackbox/tableFile.js";
import { connectionOptions } from "../../queue/connection.js";
import type { RedisTarget } from "../../queue/redisUrl.js";
import { needsBlackboxTable } from "../../search/costSurface.js";
import type { FailedTask, ParetoSpec, TaskRunner } from "../run.js";
import { taskDir } from "../tasks.js";
import {
  checkJobResult,
  jobFormat,
  jobIdOf,
  type ParetoJob,
  type ParetoJobResult,
  paretoQueueName,
} from "./job.js";

/** The data as the jobs name it: relative to the workers' data root, and its folderHash. */
export interface QueuedData {
  path: string;
  hash: string;
}

/** Between events the coordinator still looks at its jobs this often (an event can be missed). */
const pollMs = 2_000;

export function queueRunner(target: RedisTarget, data: QueuedData): TaskRunner {
  return async (spec, pending, events) => {
    const connection = connectionOptions(target);
    const queue = new Queue(paretoQueueName, { connection });
    const queueEvents = new QueueEvents(paretoQueueName, { connection });
    try {
      await queueEvents.waitUntilReady();
      const jobs = jobsOf(spec, pending, data);
      await enqueue(queue, jobs);
      let wake = () => {};
      for (const event of ["active", "completed", "failed", "stalled"] as const)
        queueEvents.on(event, () => wake());
      const failures: FailedTask[] = [];
      while (jobs.size > 0) {
        await settle(queue, spec, jobs, events, failures);
        if (jobs.size === 0) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return failures;
    } finally {
      await queueEvents.close();
      await queue.close();
    }
  };
}

/** Each pending task's job by id; only tasks whose model needs it carry the blackbox table. */
function jobsOf(spec: ParetoSpec, pending: number[], data: QueuedData) {
  const table = spec.tablePath === undefined ? undefined : readBlackboxTable(spec.tablePath);
  const jobs = new Map<string, { index: number; job: ParetoJob }>();
  for (const index of pending) {
    const task = spec.tasks[index];
    const job: ParetoJob = {
      format: jobFormat,
      task,
      data,
      space: spec.space,
      ...(needsBlackboxTable(task.model) && table !== undefined ? { table } : {}),
      ...(spec.backend === undefined ? {} : { backend: spec.backend }),
    };
    jobs.set(jobIdOf(job), { index, job });
  }
  return jobs;
}

/**
 * Adds the jobs; BullMQ keeps an existing job under the same id, so a restarted coordinator
 * doubles nothing. A job that failed in an earlier run is removed first and so tried again, as
 * --resume retries a task that failed on the local pool.
 */
async function enqueue(queue: Queue, jobs: Map<string, { index: number; job: ParetoJob }>) {
  for (const id of jobs.keys()) {
    if ((await queue.getJobState(id)) === "failed") await queue.remove(id);
  }
  await queue.addBulk(
    [...jobs].map(([id, { job }]) => ({
      name: job.task.key,
      data: job,
      // A second attempt after a throw; a killed worker's job comes back through the stalled check.
      opts: { jobId: id, attempts: 2 },
    })),
  );
}

/** Takes every job that finished or failed since the last look; reports how many run. */
async function settle(
  queue: Queue,
  spec: ParetoSpec,
  jobs: Map<string, { index: number; job: ParetoJob }>,
  events: Parameters<TaskRunner>[2],
  failures: FailedTask[],
) {
  const states = await Promise.all([...jobs.keys()].map((id) => queue.getJobState(id)));
  events.running(states.filter((state) => state === "active").length);
  for (const [i, [id, { index, job }]] of [...jobs].entries()) {
    const state = states[i];
    if (state === "completed") {
      const finished = await queue.getJob(id);
      jobs.delete(id);
      const result = checkedResult(finished?.returnvalue, id);
      if (typeof result === "string") failures.push({ index, error: result });
      else {
        unpackFolder(taskDir(spec.outDir, spec.tasks[index]), result.files);
        events.finished(index, { seconds: result.seconds, worker: result.worker });
      }
      await queue.remove(id);
    } else if (state === "failed") {
      const failed = await queue.getJob(id);
      failures.push({ index, error: failed?.failedReason ?? "failed" });
      jobs.delete(id);
      await queue.remove(id);
    } else if (state === "unknown") {
      // removed behind our back (another coordinator, a flushed database): put it back
      await queue.add(job.task.key, job, { jobId: id, attempts: 2 });
    }
  }
}

/** A result that fails its check fails its task (a worker sent it), not the whole study. */
function checkedResult(raw: unknown, id: string): ParetoJobResult | string {
  try {
    return checkJobResult(raw, id);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
}
