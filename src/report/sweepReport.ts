/**
 * The report of a sweep's output file (`uboost sweep --out FILE`): the sawtooth of each family
 * of one range (exact solid, smooth dashed), the utilization heatmap of each family of two, and
 * the network × array utilization grid with each row's fastest array outlined, from the rows
 * alone (sums per network, array and batch, as the sweep's own summary makes them).
 */
import { existsSync } from "node:fs";
import { lockOwner } from "../files/outputLock.js";
import {
  familyHeatmapSpec,
  utilizationCurveSpec,
  utilizationHeatmapSpec,
} from "../plot/sweepPlots.js";
import type { FamilyCurve } from "../sweep/curves.js";
import type { BestArray, SummaryEntry } from "../sweep/summary.js";
import { percentText } from "./networkSections.js";
import { plotChart, type Report, type ReportSection, section } from "./report.js";
import { readSweepRows, type SweepRow } from "./sweepRows.js";

export async function sweepReport(path: string): Promise<Report> {
  const { rows, fields } = await readSweepRows(path);
  // A running sweep holds its output's lock; its end (or its death) releases it.
  const writing = lockOwner(path) !== undefined;
  const model = rows[0]?.model ?? "?";
  const entries = summaryEntries(rows);
  const best = fastestArrays(entries);
  const curves = familyCurves(rows, fields);
  const charts = [];
  const lines = curves.filter((curve) => curve.fields.length === 1);
  if (lines.length > 0) charts.push(plotChart(utilizationCurveSpec(lines, model)));
  const planes = curves.filter((curve) => curve.fields.length === 2);
  for (const pair of new Set(planes.map((plane) => plane.fields.join()))) {
    const same = planes.filter((plane) => plane.fields.join() === pair);
    charts.push(plotChart(familyHeatmapSpec(same, model)));
  }
  if (entries.length > 0) charts.push(plotChart(utilizationHeatmapSpec(entries, model, best)));
  const sections: ReportSection[] = [
    section(
      "Utilization",
      charts,
      [],
      "grid: utilization ΣMACs / (Σcycles · PEs) per network and array; outlined: the fastest array of each row",
    ),
    section("Fastest array per network", [], [bestTable(best)]),
  ];
  return {
    kind: "sweep",
    title: `uboost sweep: ${path}`,
    status: `${rows.length.toLocaleString("en-US")} rows (${model} model)${writing ? ", still being written" : ""}`,
    finished: !writing,
    sections,
    data: { model, fields, summary: { entries, best }, curves },
    sources: [path].filter((file) => existsSync(file)),
  };
}

/** Per network, array and batch: the rows' sums (a family's members run back to back). */
function summaryEntries(rows: readonly SweepRow[]): SummaryEntry[] {
  const cells = new Map<string, SummaryEntry & { pes: number }>();
  for (const row of rows) {
    const key = JSON.stringify([row.network, row.array, row.batch]);
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = {
        network: row.network,
        array: row.array,
        batch: row.batch,
        rows: 0,
        expectedRows: 0,
        macs: 0,
        cycles: 0,
        runtimeMs: 0,
        util: 0,
        minUtil: Number.POSITIVE_INFINITY,
        maxUtil: Number.NEGATIVE_INFINITY,
        pes: row.rows * row.cols,
      };
      cells.set(key, cell);
    }
    cell.rows += 1;
    cell.macs += row.macs;
    cell.cycles += row.cycles;
    cell.runtimeMs += row.runtimeMs;
    cell.minUtil = Math.min(cell.minUtil, row.util);
    cell.maxUtil = Math.max(cell.maxUtil, row.util);
  }
  // in the order of the sweep's own summary: network, then batch, then array (first seen first)
  const rank = (values: readonly unknown[]) => new Map([...new Set(values)].map((v, i) => [v, i]));
  const networks = rank(rows.map((row) => row.network));
  const batches = rank(rows.map((row) => row.batch));
  const arrays = rank(rows.map((row) => row.array));
  const order = (cell: SummaryEntry) =>
    [networks.get(cell.network), batches.get(cell.batch), arrays.get(cell.array)] as number[];
  const sorted = [...cells.values()].sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
  return sorted.map(({ pes, ...cell }) => ({
    ...cell,
    // what the file holds is what was costed: a sweep still running shows the rows so far
    expectedRows: cell.rows,
    util: cell.cycles > 0 ? cell.macs / (cell.cycles * pes) : 1,
  }));
}

/** Each network's (and batch's) array of least runtime. */
function fastestArrays(entries: readonly SummaryEntry[]): BestArray[] {
  const best = new Map<string, BestArray>();
  for (const { network, batch, array, runtimeMs, util } of entries) {
    const key = JSON.stringify([network, batch]);
    const so = best.get(key);
    if (so === undefined || runtimeMs < so.runtimeMs)
      best.set(key, { network, batch, array, runtimeMs, util });
  }
  return [...best.values()];
}

/**
 * Points per field a page keeps: a curve every tooth of 8..512 on a 128-wide array, as --plot
 * does; a heatmap fewer than --plot (64 × 64 cells a panel), so a page stays a few MB.
 */
const maxPagePoints = [1000, 64];

/**
 * Each family's points per array and batch over the fields it varies, thinned to a lattice of at
 * most maxPagePoints values per field.
 */
function familyCurves(rows: readonly SweepRow[], fields: readonly string[]): FamilyCurve[] {
  const families = new Map<string, SweepRow[]>();
  for (const row of rows) {
    if (fields.every((field) => row.fields[field] === null)) continue;
    const members = families.get(row.network) ?? [];
    members.push(row);
    families.set(row.network, members);
  }
  return [...families].flatMap(([family, members]) => {
    const varying = fields.filter(
      (field) => new Set(members.map((row) => row.fields[field])).size > 1,
    );
    if (varying.length < 1 || varying.length > maxPagePoints.length) return [];
    const kept = varying.map((field, axis) => lattice(members, field, maxPagePoints[axis]));
    const curves = new Map<string, FamilyCurve>();
    for (const row of members) {
      const values = varying.map((field) => row.fields[field] as number);
      if (!values.every((value, axis) => kept[axis].has(value))) continue;
      const key = JSON.stringify([row.array, row.batch]);
      const curve = curves.get(key) ?? {
        family,
        fields: varying,
        array: row.array,
        batch: row.batch,
        points: [],
      };
      curve.points.push({ values, util: row.util, smoothUtil: row.smoothUtil });
      curves.set(key, curve);
    }
    return [...curves.values()];
  });
}

/** Every k-th distinct value of a field, k chosen to keep at most `most`. */
function lattice(rows: readonly SweepRow[], field: string, most: number): Set<number> {
  const values = [...new Set(rows.map((row) => row.fields[field] as number))].sort((a, b) => a - b);
  const stride = Math.ceil(values.length / most);
  return new Set(values.filter((_, i) => i % stride === 0));
}

function bestTable(best: readonly BestArray[]) {
  return {
    columns: ["network", "batch", "fastest array", "runtime (ms)", "utilization"],
    rows: best.map((entry) => [
      entry.network,
      entry.batch,
      entry.array,
      entry.runtimeMs.toPrecision(4),
      percentText(entry.util),
    ]),
  };
}
