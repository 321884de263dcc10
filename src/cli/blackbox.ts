import type { Argv } from "yargs";
import { InputError } from "../errors.js";
import { checkOutputFile } from "../files/outputPath.js";
import { readJsonFile } from "../files/readFile.js";
import { tableFromAuthorsJson } from "../hw/blackbox/authorsTable.js";
import { buildBlackboxTable } from "../hw/blackbox/build.js";
import { measurementCount, measurementGrid } from "../hw/blackbox/grid.js";
import { writeBlackboxTable } from "../hw/blackbox/tableFile.js";
import { parseArrayShape } from "./flags/arrayShape.js";
import { type HardwareArgs, parseHardware, withHardwareOptions } from "./flags/hardware.js";
import { nonEmptyList } from "./flags/lists.js";
import { positiveInteger } from "./flags/numbers.js";
import { parseWorkers } from "./flags/workers.js";
import { count } from "./format.js";
import { progressBar } from "./progress.js";

interface BlackboxBuildArgs extends HardwareArgs {
  batches: string;
  maxChannels: string;
  workers?: string;
  out?: string;
}

/** Channels are quantized to 16, as in the paper's look-up table. */
const channelStep = 16;

const blackboxBuildCommand = {
  command: "build",
  describe: "Fill a look-up table with simulator measurements, on a worker pool",
  builder: (yargs: Argv) =>
    withHardwareOptions(yargs)
      .option("batches", { type: "string", default: "1", describe: "batch sizes, comma-separated" })
      .option("max-channels", {
        type: "string",
        default: "512",
        describe: "c and f run over 16, 32, … up to this",
      })
      .option("workers", { type: "string", describe: "worker threads (default: the cores)" })
      .option("out", { type: "string", describe: "table file (default: blackbox-ROWSxCOLS.json)" })
      .example("$0 blackbox build --array 128x128 --batches 1,64", "the table for a 128x128 array")
      .example("$0 cost --net resnet50 --model blackbox --table blackbox-128x128.json", "use it"),
  handler: async (args: BlackboxBuildArgs) => {
    const hardware = parseHardware(args);
    const batches = nonEmptyList(args.batches, "--batches", "batch size", positiveInteger);
    const maxChannels = positiveInteger(args.maxChannels, "--max-channels");
    if (maxChannels < channelStep) {
      throw new InputError(`--max-channels: at least ${channelStep}, the channel grid's step`);
    }
    const workers = parseWorkers(args.workers);
    const out = args.out ?? `blackbox-${hardware.arrayRows}x${hardware.arrayCols}.json`;
    checkOutputFile(out, "--out");
    const grid = measurementGrid({ maxChannels, batches, channelStep });
    const started = performance.now();
    const bar = progressBar();
    const table = await buildBlackboxTable({
      hardware,
      grid,
      workers,
      onProgress: (done, total) => bar.update(done, total, "blackbox build"),
    }).finally(() => bar.stop());
    writeBlackboxTable(out, table);
    const seconds = (performance.now() - started) / 1e3;
    process.stderr.write(
      `${count(measurementCount(grid))} layers measured in ${seconds.toFixed(1)} s → ${out}\n`,
    );
  },
};

interface BlackboxImportArgs {
  file: string;
  array: string;
  out?: string;
}

const blackboxImportCommand = {
  command: "import <file>",
  describe: "Read the U-Boost authors' look-up table (their lookup.json, measured with csim)",
  builder: (yargs: Argv) =>
    yargs
      .positional("file", {
        type: "string",
        demandOption: true,
        describe: "the authors' lookup.json",
      })
      .option("array", {
        type: "string",
        default: "128x128",
        describe: "the array it was measured on (their file does not say)",
      })
      .option("out", {
        type: "string",
        describe: "table file (default: blackbox-csim-ROWSxCOLS.json)",
      })
      .example("$0 blackbox import lookup.json", "the paper's own table, for --hw-model blackbox"),
  handler: (args: BlackboxImportArgs) => {
    const { rows, cols } = parseArrayShape(args.array);
    const parsed = readJsonFile(
      args.file,
      (detail) => `not a look-up table (malformed JSON: ${detail})`,
    );
    const table = tableFromAuthorsJson(parsed, args.file, [rows, cols]);
    const out = args.out ?? `blackbox-csim-${rows}x${cols}.json`;
    checkOutputFile(out, "--out");
    writeBlackboxTable(out, table);
    const measured = table.sections.reduce((sum, section) => sum + section.cycles.length, 0);
    const kinds = table.sections.map(
      (section) => `${section.type} ${section.kernel}x${section.kernel}`,
    );
    process.stderr.write(
      `${count(measured)} table entries (${kinds.join(", ")}) from ${args.file} → ${out}\n`,
    );
  },
};

export const blackboxCommand = {
  command: "blackbox",
  describe: "The paper's look-up-table baseline (--model blackbox --table FILE)",
  builder: (yargs: Argv) =>
    yargs.command(blackboxBuildCommand).command(blackboxImportCommand).demandCommand(1),
  handler: () => {},
};
