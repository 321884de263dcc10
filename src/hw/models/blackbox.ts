import { InputError } from "../../errors.js";
import { EngineKind, engineKindOf } from "../../layers/layer.js";
import { macsOf } from "../../layers/macs.js";
import { checkTableHardware, lookupCycles } from "../blackbox/table.js";
import type { CostModel } from "../costModel.js";

/**
 * The look-up-table baseline. MACs are the layer's own; cycles are those of the nearest measured
 * layer, so off the 16-channel grid the implied utilization is the table's error made visible
 * (it can pass 1 when the nearest grid layer is smaller than the real one).
 */
export const blackboxModel: CostModel = {
  summary:
    "the paper's look-up-table baseline: simulator cycles of the nearest measured layer (--table)",
  estimate(layers, hardware, context) {
    const pes = hardware.arrayRows * hardware.arrayCols;
    return layers.map((layer) => {
      const macs = macsOf(layer);
      // Free layers need no measurement, so a network of them costs nothing even without a table.
      if (engineKindOf[layer.type] === EngineKind.free) return { macs, cycles: 0, util: 1 };
      const table = context.blackboxTable;
      if (table === undefined) {
        throw new InputError(
          "--model blackbox needs --table FILE (build one with uboost blackbox build)",
        );
      }
      checkTableHardware(table, hardware);
      const cycles = lookupCycles(table, layer);
      return { macs, cycles, util: cycles > 0 ? macs / (cycles * pes) : 1 };
    });
  },
};
