/**
 * Charts of one search or training run as Vega-Lite specs, from plain rows: figures per epoch
 * on one timeline across the stages, the op probabilities of every edge over epochs, the channel
 * probabilities per layer with the array's multiples marked, and the simulator's PE-cycles.
 */
import { type ChartSpec, vegaLiteSchema, zoomParam } from "./report.js";

/** A figure after one epoch: `step` counts epochs across the stages, from 1. */
export interface EpochPoint {
  stage: string;
  /** epoch within its stage, from 1 */
  epoch: number;
  step: number;
  series: string;
  value: number;
}

/** One line per stage and series along the run's epochs; drag or wheel to zoom. */
export function epochChart(
  points: readonly EpochPoint[],
  title: string,
  axisTitle: string,
  format = ".4~g",
): ChartSpec {
  const series = [...new Set(points.map((point) => point.series))];
  return {
    $schema: vegaLiteSchema,
    title,
    width: 420,
    height: 220,
    data: { values: points },
    params: [zoomParam],
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: "step",
        type: "quantitative",
        title: "epoch (all stages)",
        axis: { tickMinStep: 1, format: "d" },
      },
      y: { field: "value", type: "quantitative", title: axisTitle, axis: { format } },
      color: {
        field: "stage",
        type: "nominal",
        sort: ["micro", "channel", "final"],
        title: "stage",
      },
      ...(series.length > 1
        ? { strokeDash: { field: "series", type: "nominal", sort: series, title: null } }
        : {}),
      detail: { field: "series" },
      tooltip: [
        { field: "stage" },
        { field: "epoch", title: "epoch of stage" },
        { field: "series" },
        { field: "value", format },
      ],
    },
  };
}

/** What every run records per epoch. */
interface TrainingFigures {
  trainLoss: number;
  trainTop1: number;
  validTop1: number;
}

/** Loss, and train and validation top-1 in percent, from a run's rows (`points` of a series). */
export function trainingCharts<Row extends TrainingFigures>(
  points: (series: string, value: (row: Row) => number) => EpochPoint[],
): ChartSpec[] {
  const top1 = [
    ...points("train", (row) => row.trainTop1 * 100),
    ...points("valid", (row) => row.validTop1 * 100),
  ];
  return [
    epochChart(
      points("train loss", (row) => row.trainLoss),
      "Training loss",
      "loss",
    ),
    epochChart(top1, "Top-1 accuracy (solid: train, dashed: valid)", "top-1 (%)", ".1f"),
  ];
}

/** A probability of one op on one edge after an epoch of the micro stage. */
export interface OpProbability {
  edge: string;
  op: string;
  epoch: number;
  probability: number;
}

/** One small heatmap per edge: ops down, epochs across, the chosen op's row darkening. */
export function opProbabilityChart(
  cells: readonly OpProbability[],
  edges: readonly string[],
  ops: readonly string[],
): ChartSpec {
  return {
    $schema: vegaLiteSchema,
    title: { text: "Op probabilities per edge over the micro stage's epochs" },
    data: { values: cells },
    facet: { field: "edge", type: "nominal", sort: [...edges], title: null },
    columns: 3,
    spec: {
      width: { step: 18 },
      height: { step: 14 },
      mark: "rect",
      encoding: {
        x: { field: "epoch", type: "ordinal", title: "epoch" },
        y: { field: "op", type: "nominal", sort: [...ops], title: null },
        color: {
          field: "probability",
          type: "quantitative",
          scale: { domain: [0, 1], scheme: "blues" },
          title: "p",
        },
        tooltip: [
          { field: "edge" },
          { field: "op" },
          { field: "epoch" },
          { field: "probability", format: ".3f" },
        ],
      },
    },
  };
}

/** A channel option's probability in one searched layer; `chosen` marks the derived width. */
export interface ChannelProbability {
  slot: string;
  channels: number;
  probability: number;
  chosen: boolean;
}

/**
 * Layers down, channel options across; a dot on each layer's chosen width, and the options that
 * are whole multiples of the array's width (no idle columns) labelled in bold blue.
 */
export function channelProbabilityChart(
  cells: readonly ChannelProbability[],
  slots: readonly string[],
  options: readonly number[],
  arrayCols: number,
): ChartSpec {
  const multiple = `datum.value % ${arrayCols} === 0`;
  const y = { field: "slot", type: "nominal", sort: [...slots], title: null };
  const x = {
    field: "channels",
    type: "ordinal",
    sort: [...options],
    scale: { domain: [...options] },
    title: `output channels (bold: multiples of the array's ${arrayCols} columns)`,
    axis: {
      labelAngle: 0,
      labelFontWeight: { condition: { test: multiple, value: "bold" }, value: "normal" },
      labelColor: { condition: { test: multiple, value: "#1f4e9c" }, value: "#888" },
    },
  };
  return {
    $schema: vegaLiteSchema,
    title: { text: "Channel probabilities per layer", subtitle: "dot: the chosen width" },
    data: { values: cells },
    width: { step: 24 },
    height: { step: 16 },
    encoding: { x, y },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: {
            field: "probability",
            type: "quantitative",
            scale: { domain: [0, 1], scheme: "greens" },
            title: "p",
          },
          tooltip: [
            { field: "slot", title: "layer" },
            { field: "channels" },
            { field: "probability", format: ".3f" },
            { field: "chosen" },
          ],
        },
      },
      {
        transform: [{ filter: "datum.chosen" }],
        mark: { type: "point", filled: true, color: "#d62728", size: 30 },
      },
    ],
  };
}

/** A searched layer's expected width, Σ p · channels over its options, after a channel-stage epoch. */
export interface ExpectedWidth {
  slot: string;
  epoch: number;
  channels: number;
}

/** Layers down, the channel stage's epochs across: how each layer's width settled. */
export function expectedWidthChart(
  cells: readonly ExpectedWidth[],
  slots: readonly string[],
): ChartSpec {
  return {
    $schema: vegaLiteSchema,
    title: {
      text: "Expected channels per layer over the channel stage's epochs",
      subtitle: "Σ p · width over each layer's options",
    },
    data: { values: cells },
    width: { step: 22 },
    height: { step: 16 },
    mark: "rect",
    encoding: {
      x: { field: "epoch", type: "ordinal", title: "epoch", axis: { labelAngle: 0 } },
      y: { field: "slot", type: "nominal", sort: [...slots], title: null },
      color: {
        field: "channels",
        type: "quantitative",
        scale: { scheme: "viridis" },
        title: "channels",
      },
      tooltip: [
        { field: "slot", title: "layer" },
        { field: "epoch" },
        { field: "channels", title: "expected channels", format: ".1f" },
      ],
    },
  };
}

/** A layer's PE-cycles spent on one thing (simulator breakdown). */
export interface PeCyclePart {
  layer: string;
  part: string;
  peCycles: number;
  /** share of the layer's PE-cycles */
  share: number;
  /** the part's place in the stack (peCycleParts) */
  order: number;
}

export const peCycleParts = [
  "active",
  "rowPadding",
  "colPadding",
  "fillDrain",
  "weightLoad",
  "memoryStall",
] as const;

/** Stacked bars: where each layer's PE-cycles go, useful MACs first. */
export function peCycleChart(parts: readonly PeCyclePart[], layers: readonly string[]): ChartSpec {
  return {
    $schema: vegaLiteSchema,
    title: {
      text: "Final network on the simulator: PE-cycles per layer",
      subtitle: "active = useful MACs; the rest is idle or waiting",
    },
    data: { values: parts },
    width: 520,
    height: { step: 14 },
    params: [{ name: "zoom", select: "interval", bind: "scales", encodings: ["x"] }],
    mark: "bar",
    encoding: {
      y: { field: "layer", type: "nominal", sort: [...layers], title: null },
      x: { field: "peCycles", type: "quantitative", title: "PE-cycles", stack: "zero" },
      color: { field: "part", type: "nominal", sort: [...peCycleParts], title: "PE time" },
      order: { field: "order", type: "quantitative" },
      tooltip: [
        { field: "layer" },
        { field: "part" },
        { field: "peCycles", format: ",.0f", title: "PE-cycles" },
        { field: "share", format: ".1%" },
      ],
    },
  };
}
