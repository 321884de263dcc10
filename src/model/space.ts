import { InputError } from "../errors.js";
import { readJsonFile } from "../files/readFile.js";
import { positiveInteger } from "../layers/validate.js";

/**
 * What an op on an edge is. Every conv op has stride 1 and is followed by BN and ReLU (paper
 * appendix A); dws is a k×k depthwise conv then a 1×1 conv; zero disconnects the edge.
 */
export interface OpEntry {
  type: "conv" | "dilconv" | "dws" | "identity" | "zero";
  k: number;
  dilation: number;
}

/**
 * A DARTS-like cell as data: the ops every edge chooses from, the cell's inputs (outputs of the
 * previous two cells), its intermediate nodes (each sums its incoming edges) and the edges.
 * The cell outputs its last node.
 */
export interface SearchSpace {
  ops: Record<string, OpEntry>;
  inputs: [previous: string, beforePrevious: string];
  nodes: string[];
  edges: [from: string, to: string][];
}

/** Paper §5 / appendix A. */
export const uboostSpace: SearchSpace = {
  ops: {
    conv3x3: { type: "conv", k: 3, dilation: 1 },
    conv5x5: { type: "conv", k: 5, dilation: 1 },
    dws3x3: { type: "dws", k: 3, dilation: 1 },
    dws5x5: { type: "dws", k: 5, dilation: 1 },
    dil3x3: { type: "dilconv", k: 3, dilation: 2 },
    dil5x5: { type: "dilconv", k: 5, dilation: 2 },
    identity: { type: "identity", k: 1, dilation: 1 },
    zero: { type: "zero", k: 1, dilation: 1 },
  },
  inputs: ["x_p", "x_pp"],
  nodes: ["t1", "t2", "t3"],
  edges: [
    ["x_p", "t1"],
    ["x_p", "t2"],
    ["x_p", "t3"],
    ["x_pp", "t1"],
    ["x_pp", "t2"],
    ["x_pp", "t3"],
    ["t1", "t2"],
    ["t1", "t3"],
    ["t2", "t3"],
  ],
};

export const opNames = (space: SearchSpace) => Object.keys(space.ops);
export const cellOutput = (space: SearchSpace) => space.nodes[space.nodes.length - 1];
export const hasWeights = (op: OpEntry) => op.type !== "identity" && op.type !== "zero";

const opTypes = ["conv", "dilconv", "dws", "identity", "zero"];

/** Reads and checks a search-space file (JSON with the fields of SearchSpace). */
export function readSearchSpace(path: string): SearchSpace {
  return validateSearchSpace(readJsonFile(path), path);
}

export function validateSearchSpace(raw: unknown, where: string): SearchSpace {
  const space = raw as Partial<SearchSpace>;
  if (typeof space !== "object" || space === null)
    throw new InputError(`${where}: expected an object`);
  if (typeof space.ops !== "object" || space.ops === null || Object.keys(space.ops).length === 0) {
    throw new InputError(
      `${where}, field ops: expected a non-empty object of op name → {type, k, dilation}`,
    );
  }
  const ops: Record<string, OpEntry> = {};
  for (const [name, entry] of Object.entries(space.ops)) {
    const op = entry as Partial<OpEntry>;
    if (!opTypes.includes(String(op.type))) {
      throw new InputError(
        `${where}, op ${name}, field type: unknown op type "${op.type}" (known: ${opTypes.join(", ")})`,
      );
    }
    ops[name] = {
      type: op.type as OpEntry["type"],
      k: op.k === undefined ? 1 : positiveInteger(op.k, `${where}, op ${name}`, "k"),
      dilation:
        op.dilation === undefined
          ? 1
          : positiveInteger(op.dilation, `${where}, op ${name}`, "dilation"),
    };
  }
  const inputs = space.inputs;
  if (!Array.isArray(inputs) || inputs.length !== 2) {
    throw new InputError(
      `${where}, field inputs: expected the two cell inputs, e.g. ["x_p", "x_pp"]`,
    );
  }
  const nodes = space.nodes;
  if (!Array.isArray(nodes) || nodes.length === 0)
    throw new InputError(`${where}, field nodes: expected a non-empty list`);
  const edges = space.edges;
  if (!Array.isArray(edges) || edges.length === 0)
    throw new InputError(`${where}, field edges: expected a non-empty list`);
  edges.forEach((edge, i) => {
    const [from, to] = edge;
    const fromIndex = [...inputs, ...nodes].indexOf(from);
    const toIndex = nodes.indexOf(to);
    // Edges must point forward so a cell is a DAG evaluated in node order.
    if (fromIndex < 0 || toIndex < 0 || fromIndex >= toIndex + inputs.length) {
      throw new InputError(
        `${where}, edge ${i + 1}: "${from}" → "${to}" is not a forward edge between known nodes`,
      );
    }
  });
  for (const node of nodes) {
    if (!edges.some(([, to]) => to === node))
      throw new InputError(`${where}, node ${node}: has no incoming edge`);
  }
  return {
    ops,
    inputs: [inputs[0], inputs[1]],
    nodes: [...nodes],
    edges: edges.map(([a, b]) => [a, b]),
  };
}
