/**
 * The report of a proxy study, from what `uboost proxy --json` prints (saved to a file): the
 * SRCC of latency between every pair of devices as a heatmap, AdaProxy's SRCC against the
 * number of target samples, and the one-proxy picks per latency constraint.
 */
import { readJsonFile } from "../files/readFile.js";
import { proxyPlotSpec } from "../plot/proxyPlots.js";
import { plotChart, type Report, type ReportSection, section } from "./report.js";

/** The fields of `uboost proxy --json` the report reads. */
export interface ProxyOutput {
  devices: string[];
  srcc: number[][];
  samples: number;
  model?: string;
  proxy: string;
  oneProxy?: {
    score?: string;
    constraints: {
      quantile: number;
      proxyLimitMs: number;
      pick: string;
      targets: { device: string; limitMs: number; loss: number; pickFits: boolean }[];
    }[];
  };
  adaProxy?: {
    samples: number[];
    targets: { device: string; before: number; after: number[] }[];
  };
}

/** Whether a JSON value is proxy output (detect.ts asks before the report is built). */
export const isProxyOutput = (value: unknown): value is ProxyOutput =>
  typeof value === "object" &&
  value !== null &&
  Array.isArray((value as ProxyOutput).devices) &&
  Array.isArray((value as ProxyOutput).srcc);

export function proxyReport(path: string): Report {
  const output = readJsonFile(path) as ProxyOutput;
  const { devices } = output;
  const adaProxy = output.adaProxy?.targets.map((target) => ({
    device: devices.indexOf(target.device),
    points: (output.adaProxy?.samples ?? []).map((samples, i) => ({
      samples,
      before: target.before,
      after: target.after[i],
    })),
  }));
  const title = `${output.model ?? "measured"} latency, ${output.samples.toLocaleString("en-US")} architectures`;
  const chart = plotChart(proxyPlotSpec(devices, { srcc: output.srcc, adaProxy }, title));
  const srccTable = {
    columns: ["proxy \\ target", ...devices],
    rows: output.srcc.map((row, i) => [devices[i], ...row.map((value) => value.toFixed(3))]),
  };
  const sections: ReportSection[] = [
    section(
      "Rank correlation",
      [chart],
      [srccTable],
      "SRCC of the architectures' latencies between devices; AdaProxy: dashed before adapting, solid after",
    ),
  ];
  if (output.oneProxy !== undefined) sections.push(oneProxySection(output));
  return {
    kind: "proxy",
    title: `uboost proxy: ${path}`,
    status: `${devices.length} devices, proxy ${output.proxy}`,
    finished: true,
    sections,
    data: output as unknown as Record<string, unknown>,
    sources: [path],
  };
}

function oneProxySection(output: ProxyOutput): ReportSection {
  const rows = (output.oneProxy?.constraints ?? []).flatMap((constraint) =>
    constraint.targets.map((target) => [
      `${(constraint.quantile * 100).toFixed(0)}%`,
      constraint.proxyLimitMs.toPrecision(4),
      constraint.pick,
      target.device,
      target.limitMs.toPrecision(4),
      target.loss.toFixed(3),
      target.pickFits ? "yes" : "no",
    ]),
  );
  return section(
    "One-proxy search",
    [],
    [
      {
        columns: [
          "quantile",
          `${output.proxy} limit (ms)`,
          "pick",
          "target",
          "target limit (ms)",
          `${output.oneProxy?.score ?? "score"} loss`,
          "pick fits",
        ],
        rows,
      },
    ],
    `the architecture picked on ${output.proxy} under each latency limit, and how it fares on each target`,
  );
}
