import type { Argv } from "yargs";
import { InputError } from "../../errors.js";
import { defaultSimConfig, type SimConfig } from "../../hw/simulator/config.js";
import { parseArrayShape } from "./arrayShape.js";
import { positiveNumber } from "./numbers.js";

export interface HardwareArgs {
  array: string;
  sram: string;
  bw: string;
  clock: string;
}

/** The accelerator flags shared by cost, simulate and blackbox build. */
export function withHardwareOptions<T>(yargs: Argv<T>) {
  return withMemoryOptions(
    yargs.option("array", {
      type: "string",
      default: "128x128",
      describe: "systolic array ROWSxCOLS",
    }),
  );
}

/** Everything but the array shape, for commands that take several shapes (sweep). */
export function withMemoryOptions<T>(yargs: Argv<T>) {
  return yargs
    .option("sram", {
      type: "string",
      default: "15MB",
      describe: "on-chip SRAM (KB, MB, or unlimited)",
    })
    .option("bw", {
      type: "string",
      default: "80",
      describe: "off-chip bandwidth in GB/s, or unlimited",
    })
    .option("clock", { type: "string", default: "1e9", describe: "clock in Hz" });
}

const sizeUnits: Record<string, number> = { "": 1, B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30 };

/** "15MB" → 15·2^20 bytes (binary units, as SRAM is sized); "unlimited" → Infinity. */
export function parseBytes(spec: string, flag: string): number {
  if (spec.trim().toLowerCase() === "unlimited") return Number.POSITIVE_INFINITY;
  const match = /^\s*([+-]?\d+(?:\.\d+)?)\s*([KMG]?B?)\s*$/i.exec(spec);
  if (!match)
    throw new InputError(
      `${flag}: expected a size such as 15MB, 512KB or unlimited (got "${spec}")`,
    );
  if (Number(match[1]) <= 0)
    throw new InputError(`${flag}: must be a positive size (got "${spec}")`);
  return Number(match[1]) * sizeUnits[match[2].toUpperCase()];
}

/** GB/s (decimal, as bandwidth is quoted) → bytes/s; "unlimited" → Infinity. */
export function parseBandwidth(spec: string, flag: string): number {
  if (spec.trim().toLowerCase() === "unlimited") return Number.POSITIVE_INFINITY;
  return positiveNumber(spec, flag) * 1e9;
}

export function parseHardware(args: HardwareArgs): SimConfig {
  const array = parseArrayShape(args.array);
  return { ...parseMemory(args), arrayRows: array.rows, arrayCols: array.cols };
}

/** The hardware flags with the default array shape, which a sweep sets per row. */
export function parseMemory(args: Omit<HardwareArgs, "array">): SimConfig {
  return {
    ...defaultSimConfig,
    sramBytes: parseBytes(args.sram, "--sram"),
    bandwidthBytesPerSec: parseBandwidth(args.bw, "--bw"),
    clockHz: positiveNumber(args.clock, "--clock"),
  };
}
