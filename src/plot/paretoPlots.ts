/**
 * The Pareto study's figures as Vega-Lite specs: accuracy against runtime with each cost
 * model's front (the paper's Fig. 5), and the channel counts each model chose (Fig. 7).
 */
import type { TopLevelSpec } from "vega-lite";

const schema = "https://vega.github.io/schema/vega-lite/v6.json";

/** A finished network: its model, runtime and accuracy, a label, and whether it is on its model's front. */
export interface TradeoffDot {
  model: string;
  runtimeMs: number;
  /** test top-1, % */
  top1Percent: number;
  label: string;
  front: boolean;
  /** the task's key (model-λ-seed), named in the point's tooltip */
  key: string;
  lambda: number;
  seed: number;
}

/** A model's front, fastest network first. */
export interface ModelFront {
  model: string;
  front: { runtimeMs: number; top1Percent: number }[];
}

/**
 * Every finished network as a dot (dominated ones faint), and per model its front as a
 * staircase from its fastest to its slowest network (the hypervolume stops there too).
 */
export function paretoSpec(
  points: readonly TradeoffDot[],
  fronts: readonly ModelFront[],
  hardware: string,
): TopLevelSpec {
  const models = fronts.map((entry) => entry.model);
  const staircase = fronts.flatMap(({ model, front }) =>
    front.map((point, order) => ({ ...point, model, order })),
  );
  const color = { field: "model", type: "nominal" as const, title: "cost model", sort: models };
  const x = {
    field: "runtimeMs",
    type: "quantitative" as const,
    title: `runtime (ms, ${hardware})`,
    scale: { zero: true },
  };
  const y = {
    field: "top1Percent",
    type: "quantitative" as const,
    title: "test top-1 (%)",
    scale: { zero: false, padding: 12 },
    axis: { format: ".1f" },
  };
  return {
    $schema: schema,
    title: { text: "Accuracy vs runtime per cost model", subtitle: "lines: Pareto fronts" },
    width: 560,
    height: 360,
    layer: [
      {
        data: { values: staircase },
        mark: { type: "line", interpolate: "step-after", strokeWidth: 1.5 },
        encoding: { x, y, color, order: { field: "order", type: "quantitative" } },
      },
      {
        data: { values: points },
        mark: { type: "point", filled: true, size: 70 },
        encoding: {
          x,
          y,
          color,
          shape: { field: "model", type: "nominal", sort: models, title: "cost model" },
          opacity: { condition: { test: "datum.front", value: 1 }, value: 0.35 },
          tooltip: [
            { field: "key", title: "task" },
            { field: "model", title: "cost model" },
            { field: "lambda", title: "λ" },
            { field: "seed" },
            { field: "top1Percent", title: "test top-1 (%)", format: ".2f" },
            { field: "runtimeMs", title: "runtime (ms)", format: ".4~g" },
            { field: "front", title: "on the front" },
          ],
        },
      },
      {
        data: { values: points.filter((point) => point.front) },
        mark: { type: "text", align: "left", dx: 6, dy: -6, fontSize: 10 },
        encoding: { x, y, color, text: { field: "label", type: "nominal" } },
      },
    ],
  } as TopLevelSpec;
}

/**
 * How often each channel count was chosen (one entry per searched layer of every finished task
 * of a model); bars at multiples of the search array's width are set apart, since those fill it.
 */
export function channelHistogramSpec(
  choices: readonly { model: string; channels: number }[],
  models: readonly string[],
  options: readonly number[],
  arrayWidth: number,
): TopLevelSpec {
  const fits = `multiple of ${arrayWidth}`;
  const values = choices.map(({ model, channels }) => ({
    model,
    channels,
    fit: channels % arrayWidth === 0 ? fits : "other",
  }));
  return {
    $schema: schema,
    title: {
      text: "Chosen channel counts per cost model",
      subtitle: "every searched layer of every finished task",
    },
    data: { values },
    facet: { row: { field: "model", type: "nominal", title: null, sort: [...models] } },
    spec: {
      width: { step: 22 },
      height: 120,
      mark: "bar",
      encoding: {
        x: {
          field: "channels",
          type: "ordinal",
          title: "output channels",
          scale: { domain: [...options] },
          axis: { labelAngle: 0 },
        },
        y: { aggregate: "count", type: "quantitative", title: "layers" },
        color: {
          field: "fit",
          type: "nominal",
          title: `search array ${arrayWidth} wide`,
          scale: { domain: [fits, "other"], range: ["#1f77b4", "#c7c7c7"] },
        },
      },
    },
  } as TopLevelSpec;
}
