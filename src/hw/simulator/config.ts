import { InputError } from "../../errors.js";

/**
 * The accelerator the simulator models: a weight-stationary systolic array fed from an on-chip
 * SRAM that is itself fed from DRAM over one shared port. Infinity is a legal SRAM size or
 * bandwidth and means "never the bottleneck", which leaves pure compute cycles.
 */
export interface SimConfig {
  /** PE rows: the GEMM depth K = k1·k2·c is tiled over them */
  arrayRows: number;
  /** PE columns: the GEMM width N = f is tiled over them */
  arrayCols: number;
  /** on-chip SRAM in bytes */
  sramBytes: number;
  /** off-chip (DRAM) bandwidth in bytes per second, reads and writes together */
  bandwidthBytesPerSec: number;
  clockHz: number;
  /** bytes per weight, activation and partial sum (2 = bf16) */
  bytesPerOperand: number;
}

/** 128×128 PEs at 1 GHz, 15 MiB (15·2^20 bytes) of SRAM, 80 GB/s (80e9 B/s), bf16 operands. */
export const defaultSimConfig: SimConfig = {
  arrayRows: 128,
  arrayCols: 128,
  sramBytes: 15 * 2 ** 20,
  bandwidthBytesPerSec: 80e9,
  clockHz: 1e9,
  bytesPerOperand: 2,
};

/** Throws an InputError naming the first field that cannot describe real hardware. */
export function validateSimConfig(config: SimConfig): void {
  for (const field of ["arrayRows", "arrayCols"] as const) {
    const value = config[field];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new InputError(`simulator ${field}: must be a positive integer (got ${value})`);
    }
  }
  for (const field of ["sramBytes", "bandwidthBytesPerSec"] as const) {
    const value = config[field];
    if (!(value > 0)) {
      throw new InputError(`simulator ${field}: must be positive or Infinity (got ${value})`);
    }
  }
  for (const field of ["clockHz", "bytesPerOperand"] as const) {
    const value = config[field];
    if (!(value > 0) || !Number.isFinite(value)) {
      throw new InputError(`simulator ${field}: must be a positive finite number (got ${value})`);
    }
  }
}
