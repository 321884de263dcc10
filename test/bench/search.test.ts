/**
 * `uboost bench search` as a user runs it (the smoke preset, one round), its medians worked by
 * hand, and the refusals: bad flags and a search that fails, each one line and exit 2.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { roundOf, type SearchRunTime, summarizeSearchRounds } from "../../bench/search.js";
import { runCli } from "../cli/runCli.js";

const stages = ["micro", "channel", "final"] as const;

describe("uboost bench search", () => {
  it("--preset smoke --rounds 1 --json: ratios of the round's runs, stages within each run's wall time", () => {
    const { status, stdout, stderr } = runCli([
      ...["bench", "search", "--preset", "smoke", "--workers", "2", "--rounds", "1", "--json"],
    ]);
    expect(status, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ preset: "smoke", workers: 2, backend: expect.any(String) });
    expect(result.rounds).toHaveLength(1);
    const [round] = result.rounds;
    expect(round.ratio).toBeCloseTo(round.parallel.seconds / round.one.seconds, 12);
    for (const stage of stages) {
      expect(round.stageRatios[stage]).toBeCloseTo(
        round.parallel.stageSeconds[stage] / round.one.stageSeconds[stage],
        12,
      );
    }
    for (const run of [round.one, round.parallel]) {
      const stageSeconds = stages.map((stage) => run.stageSeconds[stage]);
      for (const seconds of stageSeconds) expect(seconds).toBeGreaterThan(0);
      expect(stageSeconds.reduce((a, b) => a + b)).toBeLessThanOrEqual(run.seconds);
    }
    // one round: its figures are the medians
    expect(result.median).toEqual({
      one: round.one,
      parallel: round.parallel,
      ratio: round.ratio,
      stageRatios: round.stageRatios,
    });
  }, 120_000);

  const bad: [string[], RegExp][] = [
    [["--workers", "1"], /^uboost: --workers: must be at least 2 \(got "1"\)$/],
    [["--rounds", "1.5"], /^uboost: --rounds: must be a positive integer \(got "1\.5"\)$/],
    [
      ["--data", join(tmpdir(), "uboost-no-data")],
      /^uboost: --data: .*uboost-no-data: no such folder$/,
    ],
  ];
  for (const [args, message] of bad) {
    it(`refuses ${args.join(" ")} with one line and exit 2`, () => {
      const result = runCli(["bench", "search", "--preset", "smoke", ...args]);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.trim()).toMatch(message);
    });
  }

  it("a search that fails: one line naming the run and its last line, exit 2, no folder left", () => {
    const scratch = mkdtempSync(join(tmpdir(), "uboost-bench-search-test-"));
    const empty = join(scratch, "empty");
    const temporary = join(scratch, "tmp");
    mkdirSync(empty);
    mkdirSync(temporary);
    const result = runCli(
      ["bench", "search", "--preset", "smoke", "--rounds", "1", "--data", empty],
      { env: { TMPDIR: temporary } },
    );
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n").at(-1)).toMatch(
      /^uboost: bench search: round 1 of 1, --workers 1 failed \(exit code 2\): .*empty: no data_batch_\*\.bin files/,
    );
    expect(readdirSync(temporary).filter((name) => name.startsWith("uboost-bench-search"))).toEqual(
      [],
    );
    rmSync(scratch, { recursive: true });
    expect(existsSync(scratch)).toBe(false);
  }, 60_000);
});

/** A run of `seconds` whose stages took the given seconds. */
const run = (seconds: number, micro: number, channel: number, final: number): SearchRunTime => ({
  seconds,
  stageSeconds: { micro, channel, final },
});

describe("summarizeSearchRounds", () => {
  // Round 2 runs on a slow host: every figure doubles, its ratios do not move. The median ratio
  // (0.6) is not the ratio of the medians (66 / 100 = 0.66).
  const rounds = [
    roundOf(run(100, 50, 30, 20), run(60, 30, 18, 12)),
    roundOf(run(200, 100, 60, 40), run(120, 60, 36, 24)),
    roundOf(run(90, 45, 27, 18), run(66, 33, 18, 15)),
  ];

  it("each figure's median, the ratios the median of the rounds' own", () => {
    const median = summarizeSearchRounds(rounds);
    expect(median.one).toEqual(run(100, 50, 30, 20));
    expect(median.parallel).toEqual(run(66, 33, 18, 15));
    expect(median.ratio).toBeCloseTo(0.6, 12);
    expect(median.stageRatios.micro).toBeCloseTo(0.6, 12);
    expect(median.stageRatios.channel).toBeCloseTo(0.6, 12);
    expect(median.stageRatios.final).toBeCloseTo(0.6, 12);
  });

  it("an even count: the mean of the two middle rounds", () => {
    const median = summarizeSearchRounds([
      ...rounds,
      roundOf(run(80, 40, 20, 20), run(72, 36, 18, 18)),
    ]);
    // seconds of one: 80, 90, 100, 200; ratios: 0.6, 0.6, 0.733…, 0.9
    expect(median.one.seconds).toBe(95);
    expect(median.ratio).toBeCloseTo((0.6 + 66 / 90) / 2, 12);
  });
});
