/** Builds the report of a path and writes its page, unless the page is what was written last. */
import { writeFileAtomic } from "../files/atomicWrite.js";
import { buildReport } from "./build.js";
import { reportPage } from "./page.js";

export interface WrittenReport {
  out: string;
  kind: string;
  status: string;
  finished: boolean;
  charts: number;
  bytes: number;
  /** the page's text, for --watch to compare the next one with */
  page: string;
}

export async function writeReport(
  path: string,
  out: string,
  reloadSeconds?: number,
  previous?: string,
): Promise<WrittenReport> {
  const report = await buildReport(path);
  // A finished run's page has nothing more to show: it stops reloading.
  const page = reportPage(report, {
    outFile: out,
    reloadSeconds: report.finished ? undefined : reloadSeconds,
  });
  if (page !== previous) writeFileAtomic(out, page);
  return {
    out,
    kind: report.kind,
    status: report.status,
    finished: report.finished,
    charts: report.sections.reduce((sum, part) => sum + part.charts.length, 0),
    bytes: Buffer.byteLength(page),
    page,
  };
}
