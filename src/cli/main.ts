#!/usr/bin/env node
import yargs, { type Arguments } from "yargs";
import { hideBin } from "yargs/helpers";
import { benchCommand } from "./bench.js";
import { blackboxCommand } from "./blackbox.js";
import { costCommand } from "./cost.js";
import { dataCommand } from "./data.js";
import { exportCommand } from "./export.js";
import { joinDashValues, refuseSwitchValues } from "./flags/dashValues.js";
import { parseFailure, refuseRepeatedFlags } from "./flags/parseErrors.js";
import { paretoCommand } from "./pareto.js";
import { proxyCommand } from "./proxy.js";
import { reportCommand } from "./report.js";
import { reportFailure } from "./run.js";
import { searchCommand } from "./search.js";
import { simulateCommand } from "./simulate.js";
import { sweepCommand } from "./sweep.js";
import { trainCommand } from "./train.js";
import { version } from "./version.js";
import { workerCommand } from "./worker.js";

const tokens = joinDashValues(hideBin(process.argv));

try {
  await yargs(tokens)
    .scriptName("uboost")
    .usage("$0 <command> [options]\n\nUtilization-aware, hardware-aware NAS for systolic arrays.")
    .command(costCommand)
    .command(searchCommand)
    .command(trainCommand)
    .command(exportCommand)
    .command(simulateCommand)
    .command(benchCommand)
    .command(sweepCommand)
    .command(blackboxCommand)
    .command(dataCommand)
    .command(proxyCommand)
    .command(paretoCommand)
    .command(reportCommand)
    .command(workerCommand)
    .demandCommand(1, "give a command (see --help)")
    .middleware(refuseRepeatedFlags as (argv: Arguments) => void, true)
    .middleware(refuseSwitchValues(tokens) as (argv: Arguments) => void, true)
    .detectLocale(false)
    .strict()
    .help()
    .version(version)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .fail((message, error) => {
      throw parseFailure(message, error);
    })
    .parseAsync();
} catch (error) {
  reportFailure(error);
}
