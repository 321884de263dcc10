import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { projectRoot } from "../../src/projectRoot.js";

/** The built CLI running in the background, its output kept for the test to read and wait on. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** resolves with stderr once `pattern` matches it (rejects if the process ends first) */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = process.env): CliProcess {
  const child = spawn(process.execPath, [join(projectRoot(), "dist/src/cli/main.js"), ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters = new Set<() => void>();
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
    for (const check of waiters) check();
  });
  let closed = false;
  const exited = new Promise<number | null>((done) =>
    child.on("close", (code) => {
      closed = true;
      for (const check of waiters) check();
      done(code);
    }),
  );
  const ended = () => closed;
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor: (pattern, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`timed out waiting for ${pattern}`)),
          timeoutMs,
        );
        const finish = (error?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(new Error(`${error.message}; stderr so far:\n${stderr}`));
          else resolve(stderr);
        };
        const check = () => {
          if (pattern.test(stderr)) finish();
          else if (ended()) finish(new Error(`process ended before ${pattern}`));
        };
        waiters.add(check);
        check();
      }),
  };
}
