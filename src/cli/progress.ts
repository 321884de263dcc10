import cliProgress from "cli-progress";

/**
 * A progress bar on stderr whose label and figures change as work goes on. When stderr is not a
 * terminal (a log file, a pipe) a bar would be carriage returns without newlines: there it prints
 * one whole line per tenth of the work instead, and the last label when it stops.
 */
export interface ProgressBar {
  update(done: number, total: number, label: string): void;
  stop(): void;
}

export function progressBar(): ProgressBar {
  return process.stderr.isTTY ? terminalBar() : progressLines();
}

function progressLines(): ProgressBar {
  let lastTenth = -1;
  let lastLabel = "";
  let lastFigures = "";
  return {
    update(done, total, label) {
      lastLabel = label;
      lastFigures = `${done}/${total}`;
      const tenth = total > 0 ? Math.floor((10 * done) / total) : 0;
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      if (tenth < 10) process.stderr.write(`${label} ${lastFigures}\n`);
    },
    stop() {
      if (lastLabel) process.stderr.write(`${lastLabel} ${lastFigures}\n`);
      lastTenth = -1;
      lastLabel = "";
    },
  };
}

function terminalBar(): ProgressBar {
  const bar = new cliProgress.SingleBar(
    {
      format: "{label} |{bar}| {value}/{total} {eta_formatted}",
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label) {
      if (!started) {
        bar.start(total, done, { label });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { label });
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
