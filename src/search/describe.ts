import { type ArchFile, archNetwork } from "../model/archFile.js";

/**
 * The cell as text, one node per line: "t2 = conv3x3(x_p) [p=0.41] + identity(t1) [p=0.30]".
 * Only live edges appear: "zero" and edges out of nodes that zero left without input are pruned.
 */
export function describeCell(arch: ArchFile): string[] {
  const cell = archNetwork(arch).plan.cells[0];
  return arch.space.nodes.map((node) => {
    const terms = cell.nodeInputs[node].map(({ edge }) => {
      const { from, op, probabilities } = arch.edges[edge];
      return `${op}(${from}) [p=${probabilities[op].toFixed(2)}]`;
    });
    return `${node} = ${terms.length > 0 ? terms.join(" + ") : "0 (pruned)"}`;
  });
}
