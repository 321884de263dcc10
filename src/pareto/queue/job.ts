/**
 * A Pareto task as a queue job: everything a worker on another machine needs to run it (the task
 * and its settings, the space, the blackbox table, the data by path and content hash), and what
 * comes back (the task folder's files). Both are checked on arrival: a worker runs no payload it
 * has not checked, and a coordinator writes no file a result names outside the task's folder.
 */
import { createHash } from "node:crypto";
import { InputError } from "../../errors.js";
import { relativePathProblem } from "../../files/containedPath.js";
import { type PackedFile, packedFilesProblem } from "../../files/folderPack.js";
import type { BlackboxTable } from "../../hw/blackbox/table.js";
import { tableProblem } from "../../hw/blackbox/tableFile.js";
import { type SearchSpace, validateSearchSpace } from "../../model/space.js";
import { settingsProblem } from "../../search/settingsCheck.js";
import { type BackendName, backendNames } from "../../train/backendNames.js";
import { type ParetoTask, taskKey } from "../tasks.js";

export const paretoQueueName = "uboost-pareto";
export const jobFormat = "uboost-pareto-job/1";

export interface ParetoJob {
  format: typeof jobFormat;
  task: ParetoTask;
  /** the data folder, relative to the worker's --data-root, and its folderHash */
  data: { path: string; hash: string };
  space: SearchSpace;
  table?: BlackboxTable;
  backend?: BackendName;
}

export interface ParetoJobResult {
  /** the worker's name (host:pid unless given) */
  worker: string;
  seconds: number;
  /** the task folder's results; final.json last, as a local run writes it */
  files: PackedFile[];
}

/**
 * "systolic-l0.5-s0-3f2a…": the task's key and a hash of the whole payload, so the same task of
 * the same study always has the same id (BullMQ adds no second job under an id it holds) and a
 * task of other settings or data never collides with it.
 */
export function jobIdOf(job: ParetoJob): string {
  const digest = createHash("sha256").update(JSON.stringify(job)).digest("hex");
  return `${job.task.key}-${digest.slice(0, 16)}`;
}

/** The payload checked field by field; a problem is an InputError of one line. */
export function checkParetoJob(raw: unknown): ParetoJob {
  const problem = jobProblem(raw);
  if (problem !== undefined) throw new InputError(`job payload: ${problem}`);
  return raw as ParetoJob;
}

const jobFields = ["format", "task", "data", "space", "table", "backend"];

function jobProblem(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null) return "not an object";
  const job = raw as Partial<ParetoJob>;
  const extra = Object.keys(job).find((key) => !jobFields.includes(key));
  if (extra !== undefined) return `field ${extra}: not a known field`;
  if (job.format !== jobFormat)
    return `format is ${JSON.stringify(job.format)}, this worker runs "${jobFormat}"`;
  const taskProblem = paretoTaskProblem(job.task);
  if (taskProblem !== undefined) return `task: ${taskProblem}`;
  const pathProblem = relativePathProblem(job.data?.path);
  if (pathProblem !== undefined)
    return `data.path ${JSON.stringify(job.data?.path)} ${pathProblem}`;
  if (typeof job.data?.hash !== "string" || !/^[0-9a-f]{64}$/.test(job.data.hash))
    return "data.hash must be 64 hex digits (SHA-256)";
  try {
    validateSearchSpace(job.space, "space");
  } catch (error) {
    return (error as Error).message;
  }
  if (job.table !== undefined) {
    const problem = tableProblem(job.table);
    if (problem !== undefined) return `table: ${problem}`;
  }
  if (job.backend !== undefined && !backendNames.includes(job.backend))
    return `backend must be one of ${backendNames.join(", ")}`;
  return undefined;
}

/** The key must be the task's own, as it names the worker's folder and the coordinator's. */
function paretoTaskProblem(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null) return "not an object";
  const { key, model, lambda, seed, beta, settings, ...extra } = raw as ParetoTask;
  if (Object.keys(extra).length > 0) return `field ${Object.keys(extra)[0]}: not a known field`;
  const problem = settingsProblem(settings);
  if (problem !== undefined) return `settings ${problem}`;
  if (model !== settings.hwModel || lambda !== settings.lambda || seed !== settings.seed)
    return "model, lambda and seed must be the settings' hwModel, lambda and seed";
  if (beta !== settings.beta) return "beta must be the settings' beta";
  if (key !== taskKey(model, lambda, seed))
    return `key must be "${taskKey(model, lambda, seed)}" (got ${JSON.stringify(key)})`;
  return undefined;
}

/** A job's return value checked before any of its files is written. */
export function checkJobResult(raw: unknown, jobId: string): ParetoJobResult {
  const result = (raw ?? {}) as Partial<ParetoJobResult>;
  const problem =
    typeof result.worker !== "string"
      ? "worker must be text"
      : typeof result.seconds !== "number" || !(result.seconds >= 0)
        ? "seconds must be a number >= 0"
        : packedFilesProblem(result.files);
  if (problem !== undefined) throw new InputError(`job ${jobId} result: ${problem}`);
  return result as ParetoJobResult;
}
