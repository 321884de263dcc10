#!/usr/bin/env node
/**
 * kill -9 during each stage of a search (micro, channel, final training), during a training run
 * and during a Pareto study, then --resume: prints, per case, whether the resumed run's files are
 * byte-identical to an uninterrupted run's (nothing lost, nothing doubled). Too slow for the test
 * suite (about ten smoke runs); run it after a build: `node test/scripts/kill-resume.mjs`.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const cli = join(import.meta.dirname, "..", "..", "dist", "src", "cli", "main.js");
const data = join(import.meta.dirname, "..", "..", "data", "cifar10-mini");
const dir = mkdtempSync(join(tmpdir(), "uboost-kill-resume-"));

function run(args) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`${args.join(" ")}: exit ${result.status}\n${result.stderr}`);
  return result;
}

/** Starts `args`, kills it with SIGKILL once its stderr matches `when`; resolves what it printed. */
function killWhen(args, when) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let killed = false;
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      if (!killed && when.test(stderr)) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    child.on("exit", (code, signal) =>
      signal === "SIGKILL"
        ? resolve(stderr)
        : reject(new Error(`not killed (exit ${code})\n${stderr}`)),
    );
  });
}

function same(first, second, files) {
  const differing = files.filter((file) => {
    const bytes = (root) => (existsSync(join(root, file)) ? readFileSync(join(root, file)) : null);
    const [a, b] = [bytes(first), bytes(second)];
    return a === null || b === null || !a.equals(b);
  });
  return differing.length === 0 ? "same bytes" : `DIFFER: ${differing.join(", ")}`;
}

const searchArgs = (out) => [
  "search",
  "--data",
  data,
  "--preset",
  "smoke",
  "--seed",
  "0",
  "--out",
  out,
];
const searchFiles = [
  "arch.json",
  "metrics.jsonl",
  "probabilities.jsonl",
  "final.json",
  "final/metrics.jsonl",
  "final/model/weights.bin",
];
const reference = join(dir, "search");
run(searchArgs(reference));
for (const stage of ["micro", "channel", "final"]) {
  const out = join(dir, `search-${stage}`);
  // the second batch's progress line of the stage: in the middle of its first epoch
  await killWhen(searchArgs(out), new RegExp(`^${stage} 1/1 .* 2/\\d+$`, "m"));
  run([...searchArgs(out), "--resume"]);
  console.log(`search killed during ${stage}: ${same(reference, out, searchFiles)}`);
}
{
  const out = join(dir, "search-after-micro");
  await killWhen(searchArgs(out), /^micro epoch 1:/m);
  run([...searchArgs(out), "--resume"]);
  console.log(`search killed right after the micro epoch: ${same(reference, out, searchFiles)}`);
}

const trainArgs = (out) => [
  "train",
  "--arch",
  join(reference, "arch.json"),
  "--data",
  data,
  "--epochs",
  "3",
  "--batch",
  "50",
  "--images-per-class",
  "20",
  "--out",
  out,
];
const trainFiles = ["metrics.jsonl", "model/model.json", "model/weights.bin"];
run(trainArgs(join(dir, "train")));
for (const [label, when] of [
  ["in epoch 2", /^epoch 2\/3 .* 2\/\d+$/m],
  ["right after epoch 1", /^epoch 1:/m],
]) {
  const out = join(dir, `train-${label.replaceAll(" ", "-")}`);
  await killWhen(trainArgs(out), when);
  run([...trainArgs(out), "--resume"]);
  console.log(`train killed ${label}: ${same(join(dir, "train"), out, trainFiles)}`);
}

const paretoArgs = (out) => [
  "pareto",
  "--data",
  data,
  "--preset",
  "smoke",
  "--lambdas",
  "0.5,2",
  "--hw-models",
  "systolic",
  "--seeds",
  "0",
  "--workers",
  "2",
  "--out",
  out,
];
run(paretoArgs(join(dir, "pareto")));
{
  const out = join(dir, "pareto-killed");
  await killWhen(paretoArgs(out), /1\/2 done/);
  run([...paretoArgs(out), "--resume"]);
  const withoutSeconds = (root) => {
    const [head, ...rows] = readFileSync(join(root, "results.csv"), "utf8").trim().split("\n");
    const seconds = head.split(",").indexOf("seconds");
    return rows
      .map((row) =>
        row
          .split(",")
          .filter((_, i) => i !== seconds)
          .join(","),
      )
      .join("\n");
  };
  const rows =
    withoutSeconds(join(dir, "pareto")) === withoutSeconds(out) ? "same rows" : "ROWS DIFFER";
  const tasks = ["systolic-l0.5-s0", "systolic-l2-s0"].flatMap((task) =>
    searchFiles.map((file) => join("tasks", task, file)),
  );
  console.log(
    `pareto killed after 1 of 2 tasks: results.csv ${rows}; tasks ${same(join(dir, "pareto"), out, tasks)}`,
  );
}
