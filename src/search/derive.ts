import { cellOutput, type SearchSpace } from "../model/space.js";

const argmax = (values: readonly number[]) =>
  values.reduce((best, v, i) => (v > values[best] ? i : best), 0);

/**
 * The discrete cell from the edges' op probabilities (paper stage 3): each edge takes its most
 * likely op, and "zero" disconnects the edge. If that would leave the cell's output node with
 * no input, of the output's incoming edges from live nodes the one whose best non-zero op is
 * most likely keeps that op.
 */
export function deriveEdgeOps(
  space: SearchSpace,
  probabilities: readonly (readonly number[])[],
): string[] {
  const names = Object.keys(space.ops);
  const edgeOps = probabilities.map((probs) => names[argmax(probs)]);
  if (!outputIsDead(space, edgeOps)) return edgeOps;
  const isZero = (name: string) => space.ops[name].type === "zero";
  const alive = liveNodes(space, edgeOps);
  let rescue = { edge: -1, op: "", probability: -1 };
  space.edges.forEach(([from, to], edge) => {
    if (to !== cellOutput(space) || !alive.has(from)) return;
    names.forEach((name, j) => {
      if (!isZero(name) && probabilities[edge][j] > rescue.probability) {
        rescue = { edge, op: name, probability: probabilities[edge][j] };
      }
    });
  });
  edgeOps[rescue.edge] = rescue.op;
  return edgeOps;
}

/** Nodes reached from a cell input through non-zero edges (edges point forward). */
function liveNodes(space: SearchSpace, edgeOps: readonly string[]): Set<string> {
  const alive = new Set<string>(space.inputs);
  const carries = (edge: number) => space.ops[edgeOps[edge]].type !== "zero";
  for (const node of space.nodes) {
    if (space.edges.some(([from, to], edge) => to === node && alive.has(from) && carries(edge))) {
      alive.add(node);
    }
  }
  return alive;
}

export function outputIsDead(space: SearchSpace, edgeOps: readonly string[]): boolean {
  return !liveNodes(space, edgeOps).has(cellOutput(space));
}

/** Each searched layer's channel count: the most likely option. */
export function deriveChannels(
  slots: readonly string[],
  probabilities: readonly (readonly number[])[],
  options: readonly number[],
): Record<string, number> {
  return Object.fromEntries(slots.map((slot, i) => [slot, options[argmax(probabilities[i])]]));
}
