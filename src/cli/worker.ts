import { existsSync, mkdirSync, statSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Argv } from "yargs";
import { InputError } from "../errors.js";
import { startQueueWorker } from "../pareto/queue/worker.js";
import { checkReachable } from "../queue/connection.js";
import { maskedUrl, maskSecret, queueTarget, redisUrlVariable } from "../queue/redisUrl.js";
import { positiveInteger } from "./flags/numbers.js";

interface WorkerArgs {
  queue: string;
  concurrency: string;
  "data-root": string;
  "work-dir"?: string;
  name?: string;
  "lock-seconds": string;
}

export const workerCommand = {
  command: "worker",
  describe: "Runs Pareto study tasks from a Redis job queue (uboost pareto --queue) until stopped",
  builder: (yargs: Argv) =>
    yargs
      .option("queue", {
        type: "string",
        demandOption: true,
        describe: `redis://[USER:PASSWORD@]HOST:PORT[/DB]; alone: the URL in ${redisUrlVariable}`,
      })
      .option("concurrency", { type: "string", default: "1", describe: "tasks run at once" })
      .option("data-root", {
        type: "string",
        default: ".",
        describe: "folder the jobs' data paths are relative to",
      })
      .option("work-dir", {
        type: "string",
        describe: "where running tasks keep their folders (default: a folder under the OS temp)",
      })
      .option("name", {
        type: "string",
        describe: "shown in the study's progress (default HOST:PID)",
      })
      .option("lock-seconds", {
        type: "string",
        default: "30",
        describe: "a killed worker's tasks go back to the queue after about this long",
      })
      .example(
        `${redisUrlVariable}=redis://:secret@10.0.0.5:6379 $0 worker --queue --data-root /srv/uboost`,
        "serve studies, the password kept out of the process list",
      ),
  handler: async (args: WorkerArgs) => {
    const target = queueTarget(args.queue, "--queue");
    const concurrency = positiveInteger(args.concurrency, "--concurrency");
    const lockSeconds = positiveInteger(args["lock-seconds"], "--lock-seconds");
    const dataRoot = resolve(args["data-root"]);
    if (!existsSync(dataRoot) || !statSync(dataRoot).isDirectory()) {
      throw new InputError(`--data-root: ${args["data-root"]}: no such folder`);
    }
    const workDir = resolve(args["work-dir"] ?? join(tmpdir(), "uboost-worker"));
    mkdirSync(workDir, { recursive: true });
    await checkReachable(target, "--queue");
    const name = args.name ?? `${hostname()}:${process.pid}`;
    const log = (line: string) =>
      process.stderr.write(`uboost worker ${name}: ${maskSecret(line, target)}\n`);
    const worker = startQueueWorker({
      target,
      concurrency,
      dataRoot,
      workDir,
      name,
      lockSeconds,
      log,
    });
    log(`serving ${maskedUrl(target)}, ${concurrency} at a time, data under ${dataRoot}`);
    await stopOnSignal(worker, log);
  },
};

/**
 * Resolves once the worker has stopped: the first SIGINT/SIGTERM lets the running tasks finish
 * (taking no new ones), a second hands them back to the queue for another worker at once.
 */
function stopOnSignal(
  worker: ReturnType<typeof startQueueWorker>,
  log: (line: string) => void,
): Promise<void> {
  return new Promise((done, fail) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        log(`${signal}: handing the running tasks back to the queue`);
        worker.stop(true).then(done, fail);
        return;
      }
      stopping = true;
      log(
        `${signal}: finishing ${worker.running()} running tasks, taking no new ones (again: hand them back)`,
      );
      worker.stop(false).then(done, fail);
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
  });
}
