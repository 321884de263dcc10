/** A report of whatever the path holds (detect.ts), ready for page.ts. */
import { detectReport } from "./detect.js";
import { paretoReport } from "./paretoReport.js";
import { proxyReport } from "./proxyReport.js";
import type { Report } from "./report.js";
import { searchReport } from "./searchReport.js";
import { sweepReport } from "./sweepReport.js";
import { trainReport } from "./trainReport.js";

export async function buildReport(path: string): Promise<Report> {
  const kind = detectReport(path);
  switch (kind) {
    case "search":
      return searchReport(path);
    case "train":
      return trainReport(path);
    case "pareto":
      return paretoReport(path);
    case "sweep":
      return sweepReport(path);
    case "proxy":
      return proxyReport(path);
  }
}
