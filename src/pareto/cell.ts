/**
 * A searched cell as a graph (paper Fig. 6): its inputs and nodes, and the live edges with the
 * op each chose and that op's width in every cell of the network. Drawn as Graphviz DOT here and
 * as SVG by src/plot/paretoCell.ts.
 */
import { type ArchFile, archNetwork } from "../model/archFile.js";
import { cellOutput } from "../model/space.js";

export interface CellNode {
  name: string;
  kind: "input" | "node" | "output";
  /** 0 for the inputs, then one level per intermediate node in order */
  level: number;
  /** false when every edge into it is "zero" (or comes from another dead node) */
  live: boolean;
}

export interface CellEdge {
  from: string;
  to: string;
  op: string;
  opType: string;
  /** the op's output channels in cell 0, 1, … (empty for identity) */
  channels: number[];
}

export interface CellGraph {
  nodes: CellNode[];
  edges: CellEdge[];
}

/** Only live edges: "zero" and edges out of dead nodes are pruned, as in the final network. */
export function cellGraph(arch: ArchFile): CellGraph {
  const { plan, channels } = archNetwork(arch);
  const { space } = arch;
  const inputs = plan.cells[0].nodeInputs;
  const nodes: CellNode[] = [
    ...space.inputs.map((name) => ({ name, kind: "input" as const, level: 0, live: true })),
    ...space.nodes.map((name, i) => ({
      name,
      kind: name === cellOutput(space) ? ("output" as const) : ("node" as const),
      level: i + 1,
      live: inputs[name].length > 0,
    })),
  ];
  const edges = space.nodes.flatMap((node) =>
    inputs[node].map(({ edge }) => {
      const { from, to, op } = arch.edges[edge];
      const widths = plan.cells.flatMap((cell) => channels[`cell${cell.index}.edge${edge}`] ?? []);
      return { from, to, op, opType: space.ops[op].type, channels: widths };
    }),
  );
  return { nodes, edges };
}

/** "conv3x3 16/24/32": the op and its width per cell. */
export function edgeLabel(edge: CellEdge, separator = " "): string {
  return edge.channels.length > 0 ? `${edge.op}${separator}${edge.channels.join("/")}` : edge.op;
}

/** The cell graph with each edge's label worded, for the diagram (src/plot/paretoCell.ts). */
export function cellDiagram(graph: CellGraph) {
  return {
    nodes: graph.nodes,
    edges: graph.edges.map((edge) => ({ ...edge, label: edgeLabel(edge) })),
  };
}

/** Graphviz DOT, left to right: inputs as boxes, dead nodes dashed, edges labelled. */
export function cellDot(graph: CellGraph, title: string): string {
  const quote = (text: string) => JSON.stringify(text);
  const nodeLine = (node: CellNode) => {
    const shape =
      node.kind === "input" ? "box" : node.kind === "output" ? "doublecircle" : "circle";
    const style = node.live ? "" : ", style=dashed, fontcolor=gray";
    return `  ${quote(node.name)} [shape=${shape}${style}];`;
  };
  const edgeLine = (edge: CellEdge) =>
    `  ${quote(edge.from)} -> ${quote(edge.to)} [label=${quote(edgeLabel(edge, "\n"))}];`;
  return [
    `digraph ${quote(title)} {`,
    "  rankdir=LR;",
    `  label=${quote(title)};`,
    "  labelloc=t;",
    "  node [fontname=Helvetica];",
    "  edge [fontname=Helvetica, fontsize=10];",
    ...graph.nodes.map(nodeLine),
    ...graph.edges.map(edgeLine),
    "}",
    "",
  ].join("\n");
}
