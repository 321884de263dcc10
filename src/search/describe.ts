import type { ArchFile } from "./archFile.js";

/** The cell as text, one node per line: "t2 = conv3x3(x_p) + identity(t1)". */
export function describeCell(arch: ArchFile): string[] {
  return arch.space.nodes.map((node) => {
    const terms = arch.edges
      .filter((edge) => edge.to === node && arch.space.ops[edge.op].type !== "zero")
      .map((edge) => `${edge.op}(${edge.from}) [p=${edge.probabilities[edge.op].toFixed(2)}]`);
    return `${node} = ${terms.length > 0 ? terms.join(" + ") : "0"}`;
  });
}
