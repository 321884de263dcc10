import type { ArchFile } from "../../src/model/archFile.js";
import { convLayers, type NetworkShape, planNetwork } from "../../src/model/plan.js";
import { uboostSpace } from "../../src/model/space.js";

/**
 * A derived cell of the U-Boost space with every op on some edge (identity and zero included)
 * and every node live: x_p→t1 conv3x3, x_p→t2 dws5x5, x_p→t3 identity, x_pp→t1 dil3x3, x_pp→t2
 * zero, x_pp→t3 conv5x5, t1→t2 dil5x5, t1→t3 dws3x3, t2→t3 conv3x3.
 */
export const everyOpEdges = [
  "conv3x3",
  "dws5x5",
  "identity",
  "dil3x3",
  "zero",
  "conv5x5",
  "dil5x5",
  "dws3x3",
  "conv3x3",
];

/** The arch file of a derived U-Boost cell: `edgeOps` per edge, every conv `width` wide. */
export function derivedArch(shape: NetworkShape, edgeOps: string[], width: number): ArchFile {
  const plan = planNetwork(uboostSpace, shape, edgeOps);
  return {
    format: "uboost-arch/2",
    space: uboostSpace,
    shape,
    edges: uboostSpace.edges.map(([from, to], edge) => ({
      from,
      to,
      op: edgeOps[edge],
      probabilities: { [edgeOps[edge]]: 1 },
    })),
    channels: convLayers(plan).map((layer) => ({ slot: layer.slot, channels: width })),
  };
}
