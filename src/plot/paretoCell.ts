/**
 * A searched cell drawn with Vega-Lite (the paper's Fig. 6). Vega has no graph layout, so the
 * nodes are placed here by level, inputs on the left and the output on the right, alternating
 * up and down, and each edge is a gently bent curve sampled into a line, in pixel coordinates
 * (`scale: null`), with an arrowhead and its op and widths at the middle.
 */
import type { TopLevelSpec } from "vega-lite";

const schema = "https://vega.github.io/schema/vega-lite/v6.json";
const levelGap = 190;
const margin = 50;
const height = 380;
const nodeRadius = 22;
/** how far an edge bows out of the straight line, as a share of its length */
const bend = 0.12;
const samples = 24;
/** fixed, so every model's diagram colours an op type alike */
const opColors = { conv: "#4c78a8", dilconv: "#f58518", dws: "#e45756", identity: "#54a24b" };
/** label boxes are estimated, as the SVG is laid out without measuring text */
const charWidth = 6.6;
const labelHeight = 16;

/** A cell as the diagram needs it: nodes by level, edges with their label already worded. */
export interface CellDiagram {
  /** level 0 for the inputs, then one per intermediate node; live false for a pruned node */
  nodes: { name: string; kind: "input" | "node" | "output"; level: number; live: boolean }[];
  /** opType colours the edge (conv | dilconv | dws | identity) */
  edges: { from: string; to: string; opType: string; label: string }[];
}

type CellNode = CellDiagram["nodes"][number];
type CellEdge = CellDiagram["edges"][number];

interface Position {
  x: number;
  y: number;
}

export function cellSpec(graph: CellDiagram, title: string, subtitle: string): TopLevelSpec {
  const at = nodePositions(graph.nodes);
  const curves = graph.edges.map((edge, index) => edgeCurve(edge, index, at));
  const lines = curves.flatMap((curve) => curve.line);
  const heads = curves.map((curve) => curve.head);
  const labels = placeLabels(curves, [...at.values()]);
  const nodes = graph.nodes.map((node) => ({ ...node, ...at.get(node.name) }));
  const levels = Math.max(...graph.nodes.map((node) => node.level));
  const color = {
    field: "opType",
    type: "nominal",
    title: "op type",
    scale: { domain: Object.keys(opColors), range: Object.values(opColors) },
  };
  const x = { field: "x", type: "quantitative", scale: null, axis: null };
  const y = { field: "y", type: "quantitative", scale: null, axis: null };
  const text = (stroke: string | undefined) => ({
    data: { values: labels },
    mark: { type: "text", fontSize: 11, ...(stroke ? { stroke, strokeWidth: 6 } : {}) },
    encoding: { x, y, text: { field: "text" } },
  });
  return {
    $schema: schema,
    title: { text: title, subtitle },
    width: 2 * margin + levels * levelGap,
    height,
    view: { stroke: null },
    layer: [
      {
        data: { values: lines },
        mark: { type: "line", strokeWidth: 2 },
        encoding: { x, y, color, detail: { field: "edge" }, order: { field: "order" } },
      },
      {
        data: { values: heads },
        mark: { type: "point", shape: "triangle-right", filled: true, size: 90, opacity: 1 },
        encoding: {
          x,
          y,
          color: { ...color, legend: null },
          angle: { field: "angle", type: "quantitative", scale: null },
        },
      },
      text("white"),
      text(undefined),
      {
        data: { values: nodes },
        mark: { type: "point", filled: true, size: Math.PI * nodeRadius ** 2, stroke: "black" },
        encoding: {
          x,
          y,
          shape: {
            field: "kind",
            type: "nominal",
            scale: { domain: ["input", "node", "output"], range: ["square", "circle", "circle"] },
            legend: null,
          },
          fill: {
            field: "kind",
            type: "nominal",
            scale: {
              domain: ["input", "node", "output"],
              range: ["#dddddd", "#ffffff", "#ffe08a"],
            },
            legend: null,
          },
          opacity: { condition: { test: "datum.live", value: 1 }, value: 0.3 },
        },
      },
      {
        data: { values: nodes },
        mark: { type: "text", fontSize: 12, fontWeight: "bold" },
        encoding: { x, y, text: { field: "name" } },
      },
    ],
    resolve: { scale: { color: "independent", shape: "independent" } },
  } as TopLevelSpec;
}

/** Inputs stacked at level 0; intermediate nodes alternate high and low; the output centred. */
function nodePositions(nodes: CellNode[]): Map<string, Position> {
  const at = new Map<string, Position>();
  const inputs = nodes.filter((node) => node.kind === "input");
  inputs.forEach((node, i) => {
    at.set(node.name, {
      x: margin,
      y: height * (0.22 + (0.56 * i) / Math.max(1, inputs.length - 1)),
    });
  });
  for (const node of nodes) {
    if (node.kind === "input") continue;
    const row = node.kind === "output" ? 0.5 : node.level % 2 === 1 ? 0.14 : 0.86;
    at.set(node.name, { x: margin + node.level * levelGap, y: height * row });
  }
  return at;
}

/**
 * A quadratic Bézier from node to node whose control point sits off the chord: rising edges bow
 * up and falling ones down, so edges fanning out of one node part at once (a straight fan would
 * start on top of itself); the arrowhead stops at the target's rim.
 */
function edgeCurve(edge: CellEdge, index: number, at: Map<string, Position>) {
  const from = at.get(edge.from) as Position;
  const to = at.get(edge.to) as Position;
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const side = dy >= 0 ? 1 : -1;
  const control = {
    x: (from.x + to.x) / 2 - side * bend * dy,
    y: (from.y + to.y) / 2 + side * bend * dx,
  };
  const point = (t: number): Position => ({
    x: (1 - t) ** 2 * from.x + 2 * (1 - t) * t * control.x + t ** 2 * to.x,
    y: (1 - t) ** 2 * from.y + 2 * (1 - t) * t * control.y + t ** 2 * to.y,
  });
  const line = Array.from({ length: samples + 1 }, (_, order) => ({
    ...point(order / samples),
    order,
    edge: index,
    opType: edge.opType,
  }));
  const rim = [...line].reverse().find((p) => Math.hypot(p.x - to.x, p.y - to.y) > nodeRadius + 5);
  const tip = rim ?? line[0];
  const before = point(Math.max(0, tip.order / samples - 0.05));
  const angle = (Math.atan2(tip.y - before.y, tip.x - before.x) * 180) / Math.PI;
  return { line, point, head: { x: tip.x, y: tip.y, angle, opType: edge.opType }, edge };
}

interface Box {
  x: number;
  y: number;
  halfWidth: number;
  halfHeight: number;
}

const overlaps = (a: Box, b: Box) =>
  Math.abs(a.x - b.x) < a.halfWidth + b.halfWidth &&
  Math.abs(a.y - b.y) < a.halfHeight + b.halfHeight;

/**
 * Each edge's label goes at the middle of its curve, or else at the first point further out
 * where it covers neither a node nor a label placed before it (edges meet at their ends, so
 * labels near the middle rarely collide, but those into one node can).
 */
function placeLabels(
  curves: { point: (t: number) => Position; edge: CellEdge }[],
  nodes: Position[],
): (Position & { text: string })[] {
  const taken: Box[] = nodes.map((node) => ({
    ...node,
    halfWidth: nodeRadius,
    halfHeight: nodeRadius,
  }));
  return curves.map(({ point, edge }) => {
    const text = edge.label;
    const box = (t: number): Box => ({
      ...point(t),
      halfWidth: (text.length * charWidth) / 2,
      halfHeight: labelHeight / 2,
    });
    const spots = [0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75].map(box);
    const spot =
      spots.find((candidate) => !taken.some((other) => overlaps(candidate, other))) ?? spots[0];
    taken.push(spot);
    return { x: spot.x, y: spot.y, text };
  });
}
