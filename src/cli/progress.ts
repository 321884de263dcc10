import cliProgress from "cli-progress";

/**
 * A progress bar on stderr whose label and figures change as work goes on; silent when stderr
 * is not a terminal except for one line per finished bar, so logs stay readable.
 */
export interface ProgressBar {
  update(done: number, total: number, label: string): void;
  stop(): void;
}

export function progressBar(): ProgressBar {
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
  let lastLabel = "";
  return {
    update(done, total, label) {
      lastLabel = label;
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
      else if (lastLabel) process.stderr.write(`${lastLabel}\n`);
      started = false;
    },
  };
}
