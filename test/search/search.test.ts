import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTrainingData } from "../../src/data/trainingData.js";
import { modelContext } from "../../src/hw/models/index.js";
import { archNetwork, readArchFile } from "../../src/model/archFile.js";
import { planNetwork } from "../../src/model/plan.js";
import { uboostSpace } from "../../src/model/space.js";
import { projectRoot } from "../../src/projectRoot.js";
import { runSearch } from "../../src/search/run.js";
import { presets, type SearchSettings } from "../../src/search/settings.js";
import { stageShapes } from "../../src/search/stagePlan.js";
import { runCli } from "../cli/runCli.js";

const data = join(projectRoot(), "data", "cifar10-mini");

describe("uboost search (smoke preset, real CIFAR-10 images)", () => {
  it("runs all three stages and writes every output", () => {
    const out = mkdtempSync(join(tmpdir(), "uboost-search-"));
    const { status, stdout, stderr } = runCli([
      "search",
      "--data",
      data,
      "--preset",
      "smoke",
      "--out",
      out,
      "--json",
    ]);
    expect(status, stderr).toBe(0);
    const { final, arch } = JSON.parse(stdout);
    expect(final).toEqual(
      expect.objectContaining({
        testTop1: expect.any(Number),
        runtimeUs: expect.any(Number),
        utilization: expect.any(Number),
        params: expect.any(Number),
        macs: expect.any(Number),
      }),
    );
    expect(final.runtimeUs).toBeGreaterThan(0);
    // timing.json: each stage's wall seconds, on top of the cost model's share
    const timing = JSON.parse(readFileSync(join(out, "timing.json"), "utf8"));
    expect(Object.keys(timing.stageSeconds)).toEqual(["micro", "channel", "final"]);
    for (const seconds of Object.values(timing.stageSeconds)) expect(seconds).toBeGreaterThan(0);
    const saved = JSON.parse(readFileSync(join(out, "arch.json"), "utf8"));
    expect(saved.edges).toHaveLength(9);
    for (const edge of saved.edges)
      expect(
        Object.values(edge.probabilities).reduce((a: number, b) => a + (b as number), 0),
      ).toBeCloseTo(1, 5);
    expect(saved.settings).toMatchObject({
      hwModel: "systolic",
      lambda: 1,
      beta: 1,
      seed: 0,
      backend: expect.any(String),
    });
    expect(arch.channels.length).toBe(saved.channels.length);
    const metrics = readFileSync(join(out, "metrics.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(metrics.map((row) => row.stage)).toEqual(["micro", "channel", "final"]);
    // epochs counted from 1 in the file as on the console
    expect(metrics.map((row) => row.epoch)).toEqual([1, 1, 1]);
    for (const stage of ["micro", "channel", "final"])
      expect(stderr).toContain(`${stage} epoch 1: loss`);
    // progress lines show a stage's latency and τ only from its second epoch (smoke: never), and
    // the final training, a fixed network, has none
    const progress = stderr.split("\n").filter((line) => /^(micro|channel|final) 1\/1 /.test(line));
    expect(progress.length).toBeGreaterThan(2);
    for (const line of progress) expect(line).not.toMatch(/latency|tau/);
    expect(stderr).toMatch(/^final epoch 1: loss [\d.]+ train [\d.]+% valid [\d.]+%$/m);
    expect(Object.keys(metrics[0])).toEqual([
      "stage",
      "epoch",
      "trainLoss",
      "trainTop1",
      "validTop1",
      "latencyMs",
      "utilization",
      "utilizationTerm",
      "tau",
    ]);
    // utilization is the network's, a fraction, and the console shows it; the loss's term (the
    // authors' sum of the cells' utilizations) exceeds 1 with the smoke preset's three cells
    for (const row of metrics.slice(0, 2)) {
      expect(row.utilization).toBeGreaterThan(0);
      expect(row.utilization).toBeLessThanOrEqual(1);
      expect(row.utilizationTerm).toBeGreaterThan(1);
      const shown = stderr.match(new RegExp(`^${row.stage} epoch 1: .* util ([\\d.]+)%`, "m"));
      expect(Number(shown?.[1])).toBeCloseTo(row.utilization * 100, 0);
    }
    for (const file of [
      "final.json",
      "final/model/model.json",
      "final/model/weights.bin",
      "checkpoint-micro.json",
      "checkpoint-channel.json",
    ]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    // arch.json describes the channel stage's network: its layout (smoke: 4, 2, 2 px), its cell
    const state = JSON.parse(readFileSync(join(out, "state.json"), "utf8"));
    const { plan } = archNetwork(readArchFile(join(out, "arch.json")));
    const shapes = stageShapes(state.settings, 10);
    expect(plan).toEqual(planNetwork(uboostSpace, shapes.channel, state.micro.edgeOps));
    expect(plan.cells.map((cell) => cell.size)).toEqual([4, 2, 2]);
    // and `uboost train --arch` builds the very network the search trained last: same weights
    const trained = join(out, "train");
    const train = runCli([
      "train",
      "--arch",
      join(out, "arch.json"),
      "--data",
      data,
      "--epochs",
      "1",
      "--images-per-class",
      "2",
      "--out",
      trained,
    ]);
    expect(train.status, train.stderr).toBe(0);
    const weights = (dir: string) =>
      JSON.parse(
        readFileSync(join(dir, "model", "model.json"), "utf8"),
      ).weightsManifest[0].weights.map((w: { name: string; shape: number[] }) => [w.name, w.shape]);
    expect(weights(trained)).toEqual(weights(join(out, "final")));
    rmSync(out, { recursive: true });
  });

  const bad: [string[], RegExp][] = [
    [["--lambda", "-1"], /--lambda: must be a number >= 0/],
    [["--channels", "64:32:8"], /--channels: expected MIN:MAX:STEP with 1 <= MIN <= MAX/],
    [["--seed", "-1"], /--seed: must be an integer >= 0 \(got "-1"\)/],
    [
      ["--preset", "huge"],
      /--preset: unknown value "huge" \(known: paper, demo, smoke, imagenet100\)/,
    ],
    [["--hw-model", "tpu"], /--hw-model: unknown value "tpu"/],
    [
      ["--cost-terms", "cells"],
      /--cost-terms: unknown value "cells" \(known: reference, network\)/,
    ],
    [["--hw-model", "blackbox"], /--hw-model blackbox needs --table/],
    // refused before the banner: the error is the only line
    [["--data", join(tmpdir(), "uboost-no-data")], /uboost-no-data: no such folder/],
    [["--channel-layout", "1,1,1,1,1,1"], /--channel-layout: the 2×2 max-pool after cell 3/],
  ];
  for (const [args, message] of bad) {
    it(`rejects ${args.join(" ")} with one line and exit 2`, () => {
      const out = join(tmpdir(), "uboost-never-written");
      const preset = args.includes("--preset") ? [] : ["--preset", "smoke"];
      const given = args.includes("--data") ? [] : ["--data", data];
      const result = runCli(["search", ...given, ...preset, "--out", out, ...args]);
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  }
});

describe("resuming an interrupted search", () => {
  const settings: SearchSettings = {
    ...presets.smoke,
    preset: "smoke",
    hwModel: "systolic",
    lambda: 1,
    beta: 1,
    seed: 0,
    microEpochs: 2,
    channelEpochs: 2,
    finalEpochs: 2,
  };

  async function search(out: string, resume: boolean, stopAfter?: number) {
    const trainingData = await loadTrainingData(data, {
      resolution: settings.resolution,
      imagesPerClass: settings.imagesPerClass,
      validationFraction: 0.1,
      seed: settings.seed,
    });
    let epochs = 0;
    return runSearch({
      settings,
      space: uboostSpace,
      data: trainingData,
      outDir: out,
      resume,
      backend: "cpu",
      context: modelContext(),
      onEpoch: () => {
        epochs++;
        if (stopAfter !== undefined && epochs === stopAfter) throw new Error("interrupted");
      },
    });
  }

  it("gives the same architecture, metrics and final network as an uninterrupted run", async () => {
    const whole = mkdtempSync(join(tmpdir(), "uboost-whole-"));
    const resumed = mkdtempSync(join(tmpdir(), "uboost-resumed-"));
    const started = performance.now();
    const reference = await search(whole, false);
    const wholeSeconds = (performance.now() - started) / 1000;
    // stop after the micro stage's first epoch, as if killed while appending its lines: the
    // metrics line torn, the probabilities line not written
    await expect(search(resumed, true, 1)).rejects.toThrow("interrupted");
    const metricsFile = join(resumed, "metrics.jsonl");
    writeFileSync(metricsFile, readFileSync(metricsFile, "utf8").slice(0, -20));
    const probabilitiesFile = join(resumed, "probabilities.jsonl");
    writeFileSync(probabilitiesFile, "");
    // stop after the second epoch, then put the first epoch's checkpoint back: as if killed
    // after the second epoch's state.json and lines but before its checkpoint
    const firstCheckpoint = stageCheckpoint(resumed, "micro");
    await expect(search(resumed, true, 1)).rejects.toThrow("interrupted");
    for (const file of stageCheckpoint(resumed, "micro").keys()) rmSync(join(resumed, file));
    for (const [file, bytes] of firstCheckpoint) writeFileSync(join(resumed, file), bytes);
    // stop inside the channel stage, then in the final training
    for (const stopAfter of [2, 2])
      await expect(search(resumed, true, stopAfter)).rejects.toThrow("interrupted");
    const recorded = JSON.parse(readFileSync(join(resumed, "state.json"), "utf8"));
    const outcome = await search(resumed, true);
    expect(outcome.arch).toEqual(reference.arch);
    expect(outcome.final).toEqual(reference.final);
    for (const file of [
      "arch.json",
      "metrics.jsonl",
      "probabilities.jsonl",
      "final.json",
      "final/metrics.jsonl",
      "final/model/weights.bin",
    ]) {
      const bytes = (root: string) => readFileSync(join(root, file));
      expect(bytes(resumed).equals(bytes(whole)), file).toBe(true);
    }
    // stage seconds: the stages of one uninterrupted call fit in its wall time; a stage finished
    // by an earlier invocation keeps the seconds that invocation recorded
    const stageSeconds = (root: string) =>
      JSON.parse(readFileSync(join(root, "timing.json"), "utf8")).stageSeconds;
    const { micro, channel, final } = stageSeconds(whole);
    for (const seconds of [micro, channel, final]) expect(seconds).toBeGreaterThan(0);
    expect(micro + channel + final).toBeLessThanOrEqual(wholeSeconds);
    expect(recorded.micro.seconds).toBeGreaterThan(0);
    expect(recorded.channel.seconds).toBeGreaterThan(0);
    expect(stageSeconds(resumed)).toEqual({
      micro: recorded.micro.seconds,
      channel: recorded.channel.seconds,
      final: expect.any(Number),
    });
    expect(stageSeconds(resumed).final).toBeGreaterThan(0);
  }, 300_000); // four smoke searches: over a minute when the two cores are shared
});

/** A search stage's checkpoint files (its JSON and its binary file) by name, with their bytes. */
function stageCheckpoint(out: string, stage: string): Map<string, Buffer> {
  const name = new RegExp(`^checkpoint-${stage}(\\.json|-[0-9a-f]{16}\\.bin)$`);
  const files = readdirSync(out).filter((file) => name.test(file));
  return new Map(files.map((file) => [file, readFileSync(join(out, file))]));
}
