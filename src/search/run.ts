import { mkdirSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { TrainingData } from "../data/imageSet.js";
import { runtimeUsOf } from "../engine/network.js";
import { writeFileAtomic } from "../files/atomicWrite.js";
import type { ModelContext } from "../hw/costModel.js";
import { defaultSimConfig, type SimConfig } from "../hw/simulator/config.js";
import { type SimNetworkResult, simulateNetwork } from "../hw/simulator/simulate.js";
import type { Layer } from "../layers/layer.js";
import { totalMacs } from "../layers/macs.js";
import { type ArchFile, archNetwork, writeArchFile } from "../model/archFile.js";
import { disposeParams } from "../model/params.js";
import { type NetworkShape, planLayers } from "../model/plan.js";
import type { SearchSpace } from "../model/space.js";
import type { Lockstep } from "../pool/lockstep.js";
import { hasCheckpoint, readCheckpointState } from "../train/checkpoint.js";
import { numberEpochs } from "../train/metrics.js";
import { trainCheckpointName } from "../train/runKey.js";
import { type EpochMetrics, type TrainResult, trainNetwork } from "../train/trainNetwork.js";
import { costSurface } from "./costSurface.js";
import { deriveChannels, deriveEdgeOps } from "./derive.js";
import {
  type MetricsRow,
  openSearchState,
  type SearchState,
  searchStateWriter,
} from "./searchState.js";
import { channelOptions, type SearchSettings } from "./settings.js";
import { stageShapes } from "./stagePlan.js";
import { createChannelStage } from "./stages/channel.js";
import { createMicroStage } from "./stages/micro.js";
import { runStage, type SearchStage } from "./stages/runStage.js";
import type { EpochProgress } from "./stages/searchEpoch.js";

export interface SearchOptions {
  settings: SearchSettings;
  space: SearchSpace;
  data: TrainingData;
  outDir: string;
  resume: boolean;
  backend: string;
  context: ModelContext;
  /**
   * Data-parallel: this thread's rank among the worker threads that share every batch
   * (../train/shards.ts); rank 0 writes the files, every rank returns the same outcome.
   */
  lockstep?: Lockstep;
  onBatch?: (progress: EpochProgress & { stage: string; epoch: number; epochs: number }) => void;
  onEpoch?: (row: MetricsRow) => void;
}

export interface FinalReport {
  testTop1: number;
  runtimeUs: number;
  utilization: number;
  params: number;
  macs: number;
}

/** Share of each search stage's time spent in the cost model (target < 1%): timing.json. */
export interface EngineShare {
  micro: number;
  channel: number;
}

/**
 * Wall seconds of each stage on rank 0's clock, in the invocation that finished it (timing.json):
 * a stage resumed mid-way counts only the epochs run after the resume, and a stage finished in an
 * earlier invocation keeps the figure recorded then (state.json; absent in states from before).
 */
export interface StageSeconds {
  micro?: number;
  channel?: number;
  final: number;
}

export interface SearchOutcome {
  arch: ArchFile;
  final: FinalReport;
  engineShare: EngineShare;
  layers: Layer[];
  simulation: SimNetworkResult;
}

/** The hardware of the search: the array from the settings, the paper's SRAM, bandwidth, clock. */
export function searchHardware(settings: SearchSettings): SimConfig {
  return { ...defaultSimConfig, arrayRows: settings.array.rows, arrayCols: settings.array.cols };
}

/**
 * U-Boost's three stages (paper §4): microarchitecture search, DMask channel search, and final
 * training of the derived network from scratch; --out gets arch.json, metrics.jsonl, the model,
 * final.json and per-epoch checkpoints, all a function of the settings (seed included) and the
 * backend, and timing.json, the one file with wall-clock figures.
 */
export async function runSearch(options: SearchOptions): Promise<SearchOutcome> {
  const { settings, space, data, outDir, lockstep } = options;
  const writes = !lockstep || lockstep.rank === 0;
  if (writes) mkdirSync(outDir, { recursive: true });
  const state = openSearchState(
    outDir,
    settings,
    options.backend,
    lockstep?.ranks ?? 1,
    options.resume,
  );
  const writeState = searchStateWriter(outDir);
  const save = () => {
    if (writes) writeState(state);
  };
  // Every rank reads the folder as it was before rank 0 writes to it.
  lockstep?.barrier();
  save();
  const hardware = searchHardware(settings);
  const surface = costSurface(settings.hwModel, hardware, options.context);
  const shapes = stageShapes(settings, data.classes);
  const run = {
    settings,
    data,
    outDir,
    state,
    save,
    lockstep,
    onBatch: options.onBatch,
    onEpoch: options.onEpoch,
  };

  if (!state.micro) {
    const started = performance.now();
    const stage = createMicroStage(space, shapes.micro, settings, surface, hardware);
    try {
      const engineShare = await runStage(stage, {
        ...run,
        name: "micro",
        epochs: settings.microEpochs,
      });
      const probabilities = stage.probabilities();
      state.micro = { probabilities, edgeOps: deriveEdgeOps(space, probabilities), engineShare };
    } finally {
      disposeStage(stage);
    }
    state.micro.seconds = secondsSince(started);
    save();
  }
  if (!state.channel) {
    const started = performance.now();
    const stage = createChannelStage(
      space,
      shapes.channel,
      state.micro.edgeOps,
      settings,
      surface,
      hardware,
    );
    try {
      const engineShare = await runStage(stage, {
        ...run,
        name: "channel",
        epochs: settings.channelEpochs,
      });
      const probabilities = stage.probabilities();
      state.channel = {
        probabilities,
        channels: deriveChannels(stage.slots, probabilities, stage.options),
        engineShare,
      };
    } finally {
      disposeStage(stage);
    }
    state.channel.seconds = secondsSince(started);
    save();
  }

  const arch = archFileOf(space, shapes.channel, settings, state);
  if (writes) writeArchFile(join(outDir, "arch.json"), arch);
  const finalStarted = performance.now();
  const trained = await trainFinal(arch, options, state, save);
  const stageSeconds: StageSeconds = {
    micro: state.micro.seconds,
    channel: state.channel.seconds,
    final: secondsSince(finalStarted),
  };
  const { plan, channels } = archNetwork(arch);
  const layers = planLayers(plan, channels, settings.hardwareBatch);
  const simulation = simulateNetwork(layers, hardware);
  const final: FinalReport = {
    testTop1: trained.testTop1,
    runtimeUs: runtimeUsOf(simulation.total.cycles, hardware.clockHz),
    utilization: simulation.total.util,
    params: trained.params,
    macs: totalMacs(layers) / settings.hardwareBatch,
  };
  const engineShare = { micro: state.micro.engineShare, channel: state.channel.engineShare };
  if (writes) {
    const timing = { engineShare, stageSeconds };
    writeFileAtomic(join(outDir, "timing.json"), `${JSON.stringify(timing, null, 2)}\n`);
    writeFileAtomic(join(outDir, "final.json"), `${JSON.stringify(final, null, 2)}\n`);
  }
  return { arch, final, engineShare, layers, simulation };
}

const secondsSince = (started: number) => (performance.now() - started) / 1000;

/** A stage's variables go however it ends, so a retry in the same thread (Pareto) starts clean. */
function disposeStage(stage: SearchStage): void {
  disposeParams(stage.params);
  tf.dispose(stage.archLogits);
}

/** A final-training epoch as a metrics.jsonl row: a fixed network has no latency or τ to learn. */
function finalRow(metrics: EpochMetrics): MetricsRow {
  return {
    stage: "final",
    epoch: metrics.epoch,
    trainLoss: metrics.trainLoss,
    trainTop1: metrics.trainTop1,
    validTop1: metrics.validTop1,
    latencyMs: Number.NaN,
    utilization: Number.NaN,
    utilizationTerm: Number.NaN,
    tau: null,
  };
}

async function trainFinal(
  arch: ArchFile,
  options: SearchOptions,
  state: SearchState,
  save: () => void,
): Promise<TrainResult> {
  const { settings } = options;
  const finalDir = join(options.outDir, "final");
  // The final training's checkpoint is written before state.json: its history is what was done
  // (a run killed between the two writes would otherwise lose that epoch's row).
  const done = numberEpochs(
    hasCheckpoint(finalDir, trainCheckpointName)
      ? (readCheckpointState<{ history?: EpochMetrics[] }>(finalDir, trainCheckpointName).history ??
          [])
      : [],
  );
  state.metrics = [...state.metrics.filter((row) => row.stage !== "final"), ...done.map(finalRow)];
  const firstNew = done.length;
  return trainNetwork(arch, options.data, {
    epochs: settings.finalEpochs,
    batch: settings.finalBatch,
    learningRate: settings.finalLr,
    momentum: 0.9,
    weightDecay: 5e-4,
    clipNorm: 0.5,
    schedule: "one-cycle",
    nesterov: true,
    seed: settings.seed,
    imagesPerClass: settings.imagesPerClass,
    outDir: join(options.outDir, "final"),
    resume: true,
    backend: options.backend,
    lockstep: options.lockstep,
    onBatch: (progress) =>
      options.onBatch?.({ ...progress, stage: "final", epochs: settings.finalEpochs }),
    onEpoch: (metrics) => {
      if (metrics.epoch <= firstNew) return;
      const row = finalRow(metrics);
      state.metrics.push(row);
      save();
      options.onEpoch?.(row);
    },
  });
}

/** arch.json: chosen ops with every op's probability, channels with every option's. */
function archFileOf(
  space: SearchSpace,
  shape: NetworkShape,
  settings: SearchSettings,
  state: SearchState,
): ArchFile {
  const micro = state.micro as NonNullable<SearchState["micro"]>;
  const channel = state.channel as NonNullable<SearchState["channel"]>;
  const opNames = Object.keys(space.ops);
  const slots = Object.keys(channel.channels);
  const options = channelOptions(settings.channels);
  return {
    format: "uboost-arch/2",
    space,
    shape,
    edges: space.edges.map(([from, to], edge) => ({
      from,
      to,
      op: micro.edgeOps[edge],
      probabilities: Object.fromEntries(
        opNames.map((name, j) => [name, micro.probabilities[edge][j]]),
      ),
    })),
    channels: slots.map((slot, i) => ({
      slot,
      channels: channel.channels[slot],
      probabilities: Object.fromEntries(
        options.map((ch, j) => [String(ch), channel.probabilities[i][j]]),
      ),
    })),
    settings: { ...settings, backend: state.backend },
  };
}
