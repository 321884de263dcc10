/**
 * A study on a real redis-server with worker processes: a worker SIGKILLed mid-task, a
 * coordinator killed and resumed, payloads that must be refused. The networks must come out as
 * the local pool's: same seed, same bytes.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Job, Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { folderHash } from "../../src/data/contentHash.js";
import { jobIdOf, paretoQueueName } from "../../src/pareto/queue/job.js";
import { taskKey } from "../../src/pareto/tasks.js";
import { projectRoot } from "../../src/projectRoot.js";
import { runCli } from "../cli/runCli.js";
import { type CliProcess, startCli } from "../queue/cliProcess.js";
import {
  hasRedisServer,
  type RedisServer,
  reportMissingRedis,
  startRedisServer,
  stopProcess,
} from "../queue/redisServer.js";
import { smokeJob } from "../queue/smokeJob.js";

reportMissingRedis();
const dir = mkdtempSync(join(tmpdir(), "uboost-pareto-queue-"));
const data = "data/cifar10-mini";

const study = (out: string, seeds: string, extra: string[], models = "systolic,flops") => [
  "pareto",
  "--data",
  data,
  "--preset",
  "smoke",
  "--lambdas",
  "0.5",
  "--hw-models",
  models,
  "--seeds",
  seeds,
  "--out",
  out,
  "--json",
  ...extra,
];

/** key, status and test top-1 (%) of each results.csv row, in row order */
function resultRows(out: string) {
  const [head, ...rows] = readFileSync(join(out, "results.csv"), "utf8").trimEnd().split("\n");
  const column = (name: string) => head.split(",").indexOf(name);
  return rows.map((row) => {
    const fields = row.split(",");
    const key = taskKey(
      fields[column("model")],
      Number(fields[column("lambda")]),
      Number(fields[column("seed")]),
    );
    return {
      key,
      status: fields[column("status")],
      testTop1Percent: fields[column("testTop1Percent")],
    };
  });
}

const started = (log: string) => [...log.matchAll(/started: task (\S+)/g)].map((match) => match[1]);

describe.skipIf(!hasRedisServer)("uboost pareto --queue on a real redis-server", () => {
  let redis: RedisServer;
  const workers: CliProcess[] = [];
  const worker = (name: string) => {
    const process = startCli([
      "worker",
      "--queue",
      redis.url,
      "--name",
      name,
      "--lock-seconds",
      "5",
    ]);
    workers.push(process);
    return process;
  };
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(workers.map((process) => stopProcess(process.child)));
    await redis?.stop();
  });

  it("a worker SIGKILLed mid-task: its task reruns elsewhere, each task once, the local pool's networks; bad payloads refused", async () => {
    const [first, second] = [worker("w1"), worker("w2")];
    await Promise.all([first.waitFor(/serving/), second.waitFor(/serving/)]);
    // two jobs no worker may run: a path out of the data root, data of another content hash
    const queue = new Queue(paretoQueueName, {
      connection: { host: "127.0.0.1", port: redis.port },
    });
    const hash = await folderHash(data);
    const valid = smokeJob({ path: data, hash });
    await queue.add(
      "escape",
      { ...valid, data: { path: "../cifar10-mini", hash } },
      { jobId: "bad-path" },
    );
    await queue.add(
      "other-data",
      { ...valid, data: { path: data, hash: "0".repeat(64) } },
      { jobId: "bad-hash" },
    );
    const refusals = () => `${first.stderr()}${second.stderr()}`;
    await until(() => (refusals().match(/refused/g) ?? []).length === 2);
    expect(refusals()).toMatch(
      /job bad-path refused: job payload: data\.path "\.\.\/cifar10-mini" must not contain empty, \. or \.\. segments\n/,
    );
    expect(refusals()).toMatch(
      /job bad-hash refused: data data\/cifar10-mini: this copy hashes to [0-9a-f]{12}…, the study's to 000000000000… \(copy the coordinator's folder\)\n/,
    );
    expect(await queue.getJobState("bad-path")).toBe("failed");
    await queue.close();

    const out = join(dir, "killed-worker");
    const coordinator = startCli(study(out, "0,1", ["--queue", redis.url]));
    await first.waitFor(/started: task/);
    first.child.kill("SIGKILL");
    const [killedTask] = started(first.stderr());
    expect(await coordinator.exited, coordinator.stderr()).toBe(0);
    // the refusing workers went on: the survivor ran the rest, the killed task included
    expect(started(second.stderr())).toContain(killedTask);
    const rows = resultRows(out);
    expect(rows.map((row) => row.status)).toEqual(["ok", "ok", "ok", "ok"]);
    expect(new Set(rows.map((row) => row.key)).size).toBe(4);
    expect(coordinator.stderr()).toMatch(/ on w2; \d\/4 done/);
    expect(JSON.parse(coordinator.stdout()).tasks).toEqual({
      total: 4,
      resumed: 0,
      ran: 4,
      failed: 0,
    });

    const local = join(dir, "local");
    const ran = runCli(study(local, "0,1", ["--workers", "2"]));
    expect(ran.status, ran.stderr).toBe(0);
    expect(rows).toEqual(resultRows(local));
    for (const file of ["arch.json", "final.json", "metrics.jsonl", "final/model/weights.bin"]) {
      const bytes = (root: string) => readFileSync(join(root, "tasks", killedTask, file));
      expect(bytes(out).equals(bytes(local)), file).toBe(true);
    }

    // SIGTERM: an idle worker stops at once, exit 0
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    expect(second.stderr()).toMatch(/SIGTERM: finishing 0 running tasks, taking no new ones/);
  }, 300_000);

  it("a coordinator killed and restarted with --resume takes the finished jobs and runs no task twice", async () => {
    const [third, fourth] = [worker("w3"), worker("w4")];
    const out = join(dir, "killed-coordinator");
    const args = study(out, "2,3", ["--queue", redis.url]);
    const killed = startCli(args);
    await killed.waitFor(/1\/4 done/);
    killed.child.kill("SIGKILL");
    await killed.exited;
    // a job finishes while no coordinator waits for it
    const log = () => `${third.stderr()}${fourth.stderr()}`;
    const finished = () => log().match(/finished: task/g)?.length ?? 0;
    const finishedBefore = finished();
    await until(() => finished() > finishedBefore);
    const resumed = startCli([...args, "--resume"]);
    expect(await resumed.exited, resumed.stderr()).toBe(0);
    const json = JSON.parse(resumed.stdout());
    expect(json.tasks.total).toBe(4);
    expect(json.tasks.resumed).toBeGreaterThanOrEqual(1);
    expect(json.tasks.resumed + json.tasks.ran).toBe(4);
    expect(resultRows(out).map((row) => row.status)).toEqual(["ok", "ok", "ok", "ok"]);
    const runs = started(log());
    expect(runs.sort()).toEqual([...new Set(runs)].sort());
    expect(runs).toHaveLength(4);
    await Promise.all([third, fourth].map((idle) => stopProcess(idle.child)));
  }, 300_000);

  it("a worker stopped by two SIGTERMs hands its task back, and the next worker runs it", async () => {
    const handing = worker("w5");
    const out = join(dir, "handed-back");
    const coordinator = startCli(study(out, "4", ["--queue", redis.url], "flops"));
    await handing.waitFor(/started: task flops-l0.5-s4/);
    handing.child.kill("SIGTERM");
    await handing.waitFor(/SIGTERM: finishing 1 running tasks/);
    handing.child.kill("SIGTERM");
    expect(await handing.exited).toBe(0);
    expect(handing.stderr()).toMatch(/handed back: task flops-l0\.5-s4\n/);
    const next = worker("w6");
    expect(await coordinator.exited, coordinator.stderr()).toBe(0);
    expect(resultRows(out).map((row) => row.status)).toEqual(["ok"]);
    expect(coordinator.stderr()).toMatch(/flops λ=0\.5 seed 4: .* on w6;/);
    await stopProcess(next.child);
  }, 300_000);

  it("a task whose thread crashes on both attempts is recorded failed, as on the local pool, its folder removed", async () => {
    const counter = join(dir, "crash.count");
    const out = join(dir, "crashed");
    const coordinator = startCli(study(out, "5", ["--queue", redis.url], "flops"));
    // what an earlier attempt cut off mid-task would have left in the worker's folder
    const queue = new Queue(paretoQueueName, {
      connection: { host: "127.0.0.1", port: redis.port },
    });
    let jobs: Job[] = [];
    await until(async () => {
      jobs = await queue.getJobs(["waiting", "prioritized"]);
      return jobs.length > 0;
    });
    await queue.close();
    const workDir = join(dir, "w7-work");
    const taskFolder = join(workDir, jobIdOf(jobs[0].data));
    mkdirSync(taskFolder, { recursive: true });
    writeFileSync(join(taskFolder, "state.json"), "{}");
    const crashing = startCli(
      [
        "worker",
        "--queue",
        redis.url,
        "--name",
        "w7",
        "--lock-seconds",
        "5",
        "--work-dir",
        workDir,
      ],
      { ...process.env, UBOOST_PARETO_CRASH: `flops-l0.5-s5:2:${counter}` },
    );
    workers.push(crashing);
    expect(await coordinator.exited, coordinator.stderr()).toBe(1);
    expect(readFileSync(counter, "utf8")).toBe("2");
    expect(resultRows(out).map((row) => row.status)).toEqual(["failed"]);
    expect(coordinator.stderr()).toMatch(
      /task flops-l0\.5-s5 failed twice: .*--resume to retry it/,
    );
    expect(crashing.stderr().match(/failed: task flops-l0\.5-s5/g)).toHaveLength(2);
    expect(existsSync(taskFolder)).toBe(false);
    await stopProcess(crashing.child);
  }, 300_000);

  it("a job whose data folder is a link out of the data root is refused", async () => {
    const dataRoot = join(dir, "root");
    mkdirSync(dataRoot);
    symlinkSync(join(projectRoot(), data), join(dataRoot, "linked"));
    const linked = startCli([
      "worker",
      "--queue",
      redis.url,
      "--name",
      "w8",
      "--data-root",
      dataRoot,
      "--work-dir",
      join(dir, "w8-work"),
    ]);
    workers.push(linked);
    await linked.waitFor(/serving/);
    const queue = new Queue(paretoQueueName, {
      connection: { host: "127.0.0.1", port: redis.port },
    });
    const job = smokeJob({ path: "linked", hash: await folderHash(data) }, 9);
    await queue.add("linked", job, { jobId: "linked-data" });
    await linked.waitFor(/refused/);
    expect(linked.stderr()).toContain(
      `job linked-data refused: data linked: linked is a link that leads outside ${dataRoot} (--data-root)`,
    );
    // failed at once, not retried (the worker logs the refusal just before failing the job)
    await until(async () => (await queue.getJobState("linked-data")) === "failed", 10_000);
    await queue.close();
  }, 120_000);
});

async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
