/**
 * `uboost proxy --plot`: the SRCC heatmap between devices and, beside it, the AdaProxy curve
 * (SRCC on held-out architectures against the number of target samples) as one Vega-Lite spec.
 */
import type { TopLevelSpec } from "vega-lite";

const schema = "https://vega.github.io/schema/vega-lite/v6.json";

/** What the figure shows: the SRCC matrix (devices × devices) and, if run, AdaProxy's curves. */
export interface ProxyPlotData {
  srcc: number[][];
  /** per target device (an index into the devices), SRCC before and after adaptation */
  adaProxy?: { device: number; points: { samples: number; before: number; after: number }[] }[];
}

export function proxyPlotSpec(
  devices: string[],
  result: ProxyPlotData,
  title: string,
): TopLevelSpec {
  const panels: object[] = [srccHeatmap(devices, result.srcc)];
  if (result.adaProxy !== undefined) panels.push(adaProxyCurve(devices, result));
  return { $schema: schema, title, hconcat: panels } as TopLevelSpec;
}

function srccHeatmap(devices: string[], srcc: number[][]) {
  const values = srcc.flatMap((row, a) =>
    row.map((value, b) => ({ proxy: devices[a], target: devices[b], srcc: value })),
  );
  const axis = (field: string, title: string) => ({
    field,
    type: "ordinal" as const,
    sort: devices,
    title,
  });
  return {
    title: "SRCC of latency between devices",
    data: { values },
    width: { step: 56 },
    height: { step: 32 },
    encoding: { x: axis("target", "device"), y: axis("proxy", "device") },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: {
            field: "srcc",
            type: "quantitative",
            title: "SRCC",
            scale: { domain: [-1, 1], scheme: "redblue" },
          },
          tooltip: [
            { field: "proxy", title: "proxy device" },
            { field: "target", title: "target device" },
            { field: "srcc", title: "SRCC", format: ".3f" },
          ],
        },
      },
      {
        mark: { type: "text", fontSize: 11 },
        encoding: {
          text: { field: "srcc", type: "quantitative", format: ".2f" },
          // the ends of the red-blue scale are dark
          color: { condition: { test: "abs(datum.srcc) > 0.6", value: "white" }, value: "black" },
        },
      },
    ],
  };
}

/** Adapted SRCC solid with points; the unadapted (proxy-trained) predictor dashed per target. */
function adaProxyCurve(devices: string[], result: ProxyPlotData) {
  const targets = result.adaProxy ?? [];
  const values = targets.flatMap((target) =>
    target.points.flatMap((point) => [
      {
        target: devices[target.device],
        samples: point.samples,
        srcc: point.after,
        stage: "adapted",
      },
      {
        target: devices[target.device],
        samples: point.samples,
        srcc: point.before,
        stage: "unadapted",
      },
    ]),
  );
  return {
    title: "AdaProxy: SRCC on held-out architectures",
    data: { values },
    width: 360,
    height: 240,
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: "samples",
        type: "quantitative",
        title: "target samples",
        scale: { type: "log" },
      },
      y: { field: "srcc", type: "quantitative", title: "SRCC (predicted vs true)" },
      color: { field: "target", type: "nominal", sort: devices, title: "target" },
      strokeDash: { field: "stage", type: "nominal", sort: ["adapted", "unadapted"], title: null },
      tooltip: [
        { field: "target" },
        { field: "stage" },
        { field: "samples", title: "target samples" },
        { field: "srcc", title: "SRCC", format: ".3f" },
      ],
    },
  };
}
