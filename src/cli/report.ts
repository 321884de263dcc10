import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { extname, join } from "node:path";
import type { Argv } from "yargs";
import { checkOutputFile } from "../files/outputPath.js";
import { positiveNumber } from "./flags/numbers.js";

interface ReportArgs {
  path?: string;
  out?: string;
  open: boolean;
  watch: boolean;
  interval: string;
  json: boolean;
}

export const reportCommand = {
  command: "report <path>",
  describe:
    "One self-contained HTML page of a search, training run, Pareto study, sweep or proxy study",
  builder: (yargs: Argv) =>
    yargs
      .positional("path", {
        type: "string",
        describe: "a search, train or pareto --out folder, a sweep's rows, or proxy --json output",
      })
      .option("out", {
        type: "string",
        describe: "the page (default: FOLDER/report.html, or FILE with .html for its extension)",
      })
      .option("open", { type: "boolean", default: false, describe: "open it in the browser" })
      .option("watch", {
        type: "boolean",
        default: false,
        describe:
          "rewrite the page as the run writes, until it finishes; the page reloads itself until then",
      })
      .option("interval", {
        type: "string",
        default: "5",
        describe: "--watch: seconds between checks and between page reloads",
      })
      .option("json", { type: "boolean", default: false, describe: "one JSON object on stdout" })
      .example("$0 report runs/demo", "runs/demo/report.html")
      .example("$0 report runs/study --watch --open", "follow a study while it runs"),
  handler: async (args: ReportArgs) => {
    const path = args.path as string;
    const interval = positiveNumber(args.interval, "--interval");
    const out = args.out ?? defaultOut(path);
    checkOutputFile(out, "--out");
    // the report pulls in the search's code (and tfjs); other commands start faster without it
    const { writeReport } = await import("../report/write.js");
    const reloadSeconds = args.watch ? interval : undefined;
    const written = await writeReport(path, out, reloadSeconds);
    const { page, ...summary } = written;
    process.stdout.write(
      args.json
        ? `${JSON.stringify(summary)}\n`
        : `${written.kind} report: ${out} (${written.charts} charts, ${(written.bytes / 1e6).toFixed(2)} MB; ${written.status})\n`,
    );
    if (args.open) openInBrowser(out);
    if (!args.watch) return;
    if (written.finished) {
      process.stderr.write(`${path}: the run has finished; nothing to watch\n`);
      return;
    }
    process.stderr.write(`watching ${path} every ${interval} s until it finishes (Ctrl-C stops)\n`);
    let last = page;
    for (;;) {
      await new Promise((wake) => setTimeout(wake, interval * 1e3));
      const again = await writeReport(path, out, reloadSeconds, last);
      if (again.page !== last) process.stderr.write(`rewrote ${out}: ${again.status}\n`);
      last = again.page;
      if (again.finished) {
        process.stderr.write(`${path}: the run has finished; stopped watching\n`);
        return;
      }
    }
  },
};

function defaultOut(path: string): string {
  try {
    if (statSync(path).isDirectory()) return join(path, "report.html");
  } catch {
    // a missing path is the report's to name
  }
  return `${path.slice(0, path.length - extname(path).length)}.html`;
}

function openInBrowser(file: string): void {
  const opener =
    process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  const child = spawn(opener, [file], { detached: true, stdio: "ignore" });
  child.on("error", () => process.stderr.write(`--open: could not run ${opener}; open ${file}\n`));
  child.unref();
}
