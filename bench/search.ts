/**
 * The whole search's wall time on one worker thread and on N, measured side by side: each round
 * runs `uboost search` twice as child processes, `--workers 1` and `--workers N`, which one goes
 * first alternating from round to round, each into a fresh temporary folder removed afterwards.
 * A run's seconds are from spawn to exit (start-up and data loading included, as a user waits for
 * them); its stage seconds are what the search wrote to timing.json. On a shared machine a figure
 * moves by ±20% from one run to the next, so the ratio is taken within each round and the median
 * over rounds reported (as in trainRounds.ts).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../src/errors.js";
import { readJsonFile } from "../src/files/readFile.js";
import { projectRoot } from "../src/projectRoot.js";
import { medianFigures } from "./trainRounds.js";

export interface SearchBenchOptions {
  /** a dataset folder, as `uboost search --data` takes it */
  data: string;
  preset: string;
  /** default: the search's own default */
  backend?: string;
  /** the parallel run's worker threads (the other run has one) */
  workers: number;
  rounds: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}

const stages = ["micro", "channel", "final"] as const;
type Stage = (typeof stages)[number];

/** Wall seconds of one search's stages, from its timing.json (rank 0's clock). */
export type StageSeconds = Record<Stage, number>;

export interface SearchRunTime {
  /** from spawning the search to its exit */
  seconds: number;
  stageSeconds: StageSeconds;
}

export interface SearchRound {
  one: SearchRunTime;
  parallel: SearchRunTime;
  /** parallel.seconds ÷ one.seconds */
  ratio: number;
  /** each stage's parallel seconds ÷ its one-thread seconds */
  stageRatios: StageSeconds;
}

export interface SearchBenchResult {
  preset: string;
  backend: string;
  workers: number;
  rounds: SearchRound[];
  /** one and parallel: each figure's median; the ratios: the medians of the rounds' own ratios */
  median: { one: SearchRunTime; parallel: SearchRunTime; ratio: number; stageRatios: StageSeconds };
}

export async function benchSearch(options: SearchBenchOptions): Promise<SearchBenchResult> {
  const progress = options.onProgress ?? (() => {});
  const total = 2 * options.rounds;
  const rounds: SearchRound[] = [];
  let backend = options.backend;
  for (let round = 1; round <= options.rounds; round++) {
    const order = round % 2 === 1 ? [1, options.workers] : [options.workers, 1];
    const times = new Map<number, SearchRunTime>();
    for (const workers of order) {
      const name = `round ${round} of ${options.rounds}, --workers ${workers}`;
      progress(`bench search, ${name}`, 2 * (round - 1) + times.size, total);
      const run = await timeSearch(options, workers, name);
      if (backend !== undefined && run.backend !== backend)
        throw new InputError(`bench search: ${name} searched on ${run.backend}, not ${backend}`);
      backend = run.backend;
      times.set(workers, run.time);
    }
    progress(`bench search, round ${round} of ${options.rounds} done`, 2 * round, total);
    rounds.push(
      roundOf(times.get(1) as SearchRunTime, times.get(options.workers) as SearchRunTime),
    );
  }
  return {
    preset: options.preset,
    backend: backend as string,
    workers: options.workers,
    rounds,
    median: summarizeSearchRounds(rounds),
  };
}

export function roundOf(one: SearchRunTime, parallel: SearchRunTime): SearchRound {
  const stageRatios = Object.fromEntries(
    stages.map((stage) => [stage, parallel.stageSeconds[stage] / one.stageSeconds[stage]]),
  ) as StageSeconds;
  return { one, parallel, ratio: parallel.seconds / one.seconds, stageRatios };
}

/** Each figure's median over the rounds; a ratio's median is of the rounds' own ratios. */
export function summarizeSearchRounds(rounds: readonly SearchRound[]): SearchBenchResult["median"] {
  return medianFigures(rounds);
}

/** One `uboost search` in a fresh temporary folder, removed however the run ends. */
async function timeSearch(
  options: SearchBenchOptions,
  workers: number,
  name: string,
): Promise<{ time: SearchRunTime; backend: string }> {
  const folder = mkdtempSync(join(tmpdir(), "uboost-bench-search-"));
  const out = join(folder, "search");
  try {
    const args = [
      ...["search", "--data", options.data, "--preset", options.preset],
      ...["--workers", String(workers), "--out", out],
      ...(options.backend === undefined ? [] : ["--backend", options.backend]),
    ];
    const started = performance.now();
    const { code, lastLine } = await runBuiltCli(args);
    const seconds = (performance.now() - started) / 1000;
    if (code !== 0)
      throw new InputError(`bench search: ${name} failed (exit code ${code}): ${lastLine}`);
    return {
      time: { seconds, stageSeconds: readStageSeconds(out, name) },
      backend: (readJsonFile(join(out, "state.json")) as { backend: string }).backend,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The built CLI as a child process: its exit code and the last line it wrote to stderr. */
function runBuiltCli(args: string[]): Promise<{ code: number | string; lastLine: string }> {
  const main = join(projectRoot(), "dist", "src", "cli", "main.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    // Only the tail is reported: keep the last few kilobytes, not a long run's every line.
    let tail = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      tail = (tail + chunk).slice(-8192);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const lines = tail.split(/\r|\n/).filter((line) => line.trim() !== "");
      const lastLine = lines.at(-1)?.replace(/^uboost: /, "") ?? "(no output)";
      resolve({ code: code ?? `signal ${signal}`, lastLine });
    });
  });
}

function readStageSeconds(out: string, name: string): StageSeconds {
  const path = join(out, "timing.json");
  const timing = existsSync(path)
    ? (readJsonFile(path) as { stageSeconds?: Partial<StageSeconds> })
    : undefined;
  const figures = timing?.stageSeconds ?? {};
  for (const stage of stages) {
    const seconds = figures[stage];
    if (typeof seconds !== "number" || !(seconds > 0))
      throw new InputError(`bench search: ${name} wrote no stageSeconds.${stage} in timing.json`);
  }
  return figures as StageSeconds;
}
