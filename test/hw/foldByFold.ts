/**
 * The simulator's definition read literally: every fold visited in the order the array runs
 * them, one port step each. src/hw/simulator/schedule.ts counts the same folds in O(1) per GEMM;
 * the tests hold the two together on layers small enough to walk.
 */
import {
  addFoldPeCycles,
  emptyBreakdown,
  type Fold,
  foldCycles,
} from "../../src/hw/simulator/compute.js";
import type { SimConfig } from "../../src/hw/simulator/config.js";
import { type Gemm, gemmsOf } from "../../src/hw/simulator/gemm.js";
import {
  finishLayer,
  foldTraffic,
  inputResident,
  newPortState,
  stepFold,
} from "../../src/hw/simulator/memory.js";
import type { Layer } from "../../src/layers/layer.js";

/** For each instance, column folds outer and row folds inner. */
function forEachFold(gemm: Gemm, config: SimConfig, visit: (fold: Fold) => void): void {
  const { arrayRows, arrayCols } = config;
  for (let instance = 0; instance < gemm.count; instance++) {
    for (let colStart = 0; colStart < gemm.width; colStart += arrayCols) {
      const colsUsed = Math.min(arrayCols, gemm.width - colStart);
      for (let rowStart = 0; rowStart < gemm.depth; rowStart += arrayRows) {
        const rowsUsed = Math.min(arrayRows, gemm.depth - rowStart);
        const lastRowFold = rowStart + arrayRows >= gemm.depth;
        visit({
          rowStart,
          rowsUsed,
          colStart,
          colsUsed,
          firstColFold: colStart === 0,
          lastRowFold,
        });
      }
    }
  }
}

export function simulateFoldByFold(layer: Layer, config: SimConfig) {
  const breakdown = emptyBreakdown();
  const port = newPortState();
  let computeCycles = 0;
  for (const gemm of gemmsOf(layer)) {
    const resident = inputResident(gemm, config);
    const cycles = foldCycles(gemm.streamRows, config);
    forEachFold(gemm, config, (fold) => {
      computeCycles += cycles;
      addFoldPeCycles(breakdown, fold, gemm.streamRows, config);
      stepFold(port, foldTraffic(gemm, fold, resident, config), cycles, config);
    });
  }
  const stallCycles = finishLayer(port, config);
  breakdown.memoryStall = stallCycles * config.arrayRows * config.arrayCols;
  return { cycles: computeCycles + stallCycles, computeCycles, breakdown, folds: port.folds };
}
