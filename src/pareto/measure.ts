/**
 * What a finished task found, read back from its folder (arch.json, final.json), and its final
 * network measured on the paper's accelerator, whatever array the search itself costed against.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { networkTotal, runtimeUsOf } from "../engine/network.js";
import { csimModel } from "../hw/models/csim.js";
import { modelContext } from "../hw/models/index.js";
import { defaultSimConfig, type SimConfig } from "../hw/simulator/config.js";
import { simulateNetwork } from "../hw/simulator/simulate.js";
import { totalMacs } from "../layers/macs.js";
import { type ArchFile, archNetwork, readArchFile } from "../model/archFile.js";
import { planLayers } from "../model/plan.js";
import type { FinalReport } from "../search/run.js";

/** Paper §6: a 128×128 array at 1 GHz, 15 MiB of SRAM, 80 GB/s to DRAM, bf16. */
export const paperHardware: SimConfig = defaultSimConfig;
export const paperArrayText = `${paperHardware.arrayRows}×${paperHardware.arrayCols}`;

/**
 * What measures the final networks: our cycle-level simulator, or csim, the authors' own (the
 * source of the paper's Table 4), through its closed-form model (src/hw/models/csim.ts).
 */
export const measureSimulators = ["sim", "csim"] as const;
export type MeasureSimulator = (typeof measureSimulators)[number];

/** How the finished networks are measured (the hardware is the paper's). */
export interface MeasureSettings {
  /** images per simulated batch */
  batch: number;
  simulator: MeasureSimulator;
}

/** The paper measures runtime at batch 64 (its latency term's hardware batch too). */
export const paperMeasure: MeasureSettings = { batch: 64, simulator: "sim" };

/** "128×128, 15 MiB SRAM, 80 GB/s, 1 GHz, batch 64" */
export function measureText(measure: MeasureSettings): string {
  return measure.simulator === "csim"
    ? `${paperArrayText}, 80 GB/s, 1 GHz, batch ${measure.batch}, timed as csim (the authors' simulator) times it`
    : `${paperArrayText}, 15 MiB SRAM, 80 GB/s, 1 GHz, batch ${measure.batch}`;
}

export interface Measurement {
  runtimeUs: number;
  utilization: number;
  /** per image */
  macs: number;
}

export interface FinishedTask extends Measurement {
  /** test top-1 as a fraction */
  testTop1: number;
  params: number;
  /** the simulator at the search's own array (final.json), which the demo preset shrinks */
  searchArray: { rows: number; cols: number; runtimeUs: number; utilization: number };
  arch: ArchFile;
}

/** The final network on the paper's hardware, through the simulator `measure` names. */
export function measureArch(arch: ArchFile, measure: MeasureSettings = paperMeasure): Measurement {
  const { plan, channels } = archNetwork(arch);
  const layers = planLayers(plan, channels, measure.batch);
  const total =
    measure.simulator === "csim"
      ? networkTotal(
          csimModel.estimate(layers, paperHardware, modelContext()),
          { rows: paperHardware.arrayRows, cols: paperHardware.arrayCols },
          paperHardware.clockHz,
        )
      : simulateNetwork(layers, paperHardware).total;
  const macs = totalMacs(layers) / measure.batch;
  return {
    runtimeUs: runtimeUsOf(total.cycles, paperHardware.clockHz),
    utilization: total.util,
    macs,
  };
}

/** A task is finished once its search wrote final.json (the last file runSearch writes). */
export function isFinished(dir: string): boolean {
  return existsSync(join(dir, "final.json"));
}

export function readFinishedTask(dir: string, measure: MeasureSettings): FinishedTask {
  const final = JSON.parse(readFileSync(join(dir, "final.json"), "utf8")) as FinalReport;
  const arch = readArchFile(join(dir, "arch.json"));
  const array = (arch.settings?.array ?? { rows: 0, cols: 0 }) as { rows: number; cols: number };
  return {
    ...measureArch(arch, measure),
    testTop1: final.testTop1,
    params: final.params,
    searchArray: { ...array, runtimeUs: final.runtimeUs, utilization: final.utilization },
    arch,
  };
}
