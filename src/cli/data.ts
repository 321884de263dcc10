import type { Argv } from "yargs";
import { datasetArchives, type FetchResult, fetchDataset } from "../data/fetch.js";
import { InputError } from "../errors.js";
import { progressBar } from "./progress.js";

interface FetchArgs {
  dataset: string;
  dir?: string;
  url?: string;
  md5?: string;
  force: boolean;
}

const megabyte = 1e6;

const fetchCommand = {
  command: "fetch <dataset>",
  describe: "Download, verify and unpack a data set's official archive",
  builder: (yargs: Argv) =>
    yargs
      .positional("dataset", {
        type: "string",
        choices: Object.keys(datasetArchives),
        demandOption: true,
      })
      .option("dir", { type: "string", describe: "where the files go (default: data/DATASET)" })
      .option("url", {
        type: "string",
        describe: "a mirror of the archive (default: the official)",
      })
      .option("md5", { type: "string", describe: "the archive's MD5 (default: the published one)" })
      .option("force", {
        type: "boolean",
        default: false,
        describe: "download again even if the files are already there",
      })
      .example("$0 data fetch cifar10", "the binary CIFAR-10 batches into data/cifar10")
      .example("$0 data fetch cifar10 --dir /scratch/cifar10", "somewhere else"),
  handler: async (args: FetchArgs) => {
    const archive = datasetArchives[args.dataset];
    const md5 = args.md5 ?? archive.md5;
    if (!/^[0-9a-f]{32}$/i.test(md5)) {
      throw new InputError(`--md5: expected 32 hexadecimal digits (got "${md5}")`);
    }
    const dir = args.dir ?? `data/${args.dataset}`;
    const bar = progressBar();
    const label = `${args.dataset} (MB)`;
    const result = await fetchDataset({
      url: args.url ?? archive.url,
      md5,
      dir,
      files: archive.files,
      force: args.force,
      onProgress: (received, total) => {
        if (total !== undefined)
          bar.update(Math.floor(received / megabyte), Math.ceil(total / megabyte), label);
      },
    }).finally(() => bar.stop());
    process.stdout.write(`${summary(args.dataset, result)}\n`);
  },
};

function summary(dataset: string, result: FetchResult): string {
  if (result.alreadyPresent)
    return `${dataset}: already in ${result.dir} (--force downloads again)`;
  const size = `${(result.archiveBytes / megabyte).toFixed(1)} MB`;
  const resumed =
    result.resumedFrom > 0 ? `, resumed at ${(result.resumedFrom / megabyte).toFixed(1)} MB` : "";
  return `${dataset}: ${result.files.length} files in ${result.dir} (${size} archive, md5 ok${resumed})`;
}

export const dataCommand = {
  command: "data",
  describe: "Get data sets ready for training",
  builder: (yargs: Argv) =>
    yargs.command(fetchCommand).demandCommand(1, "give a data command (see uboost data --help)"),
  handler: () => {},
};
