/**
 * A throwaway redis-server on a free loopback port for the queue tests, nothing saved to disk.
 * Where redis-server is missing the tests skip loudly, except under CI (CI set), where .ci/run
 * installs it and its absence is a failure.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

export const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;

export function reportMissingRedis(): void {
  if (hasRedisServer) return;
  const message =
    "redis-server is not installed: the job-queue tests cannot run (apt-get install redis-server)";
  if (process.env.CI) throw new Error(message);
  console.warn(`\n!!! SKIPPED: ${message}\n`);
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const server = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await new Promise<void>((ready, fail) => {
    let output = "";
    server.stdout?.on("data", (chunk) => {
      output += chunk;
      if (output.includes("Ready to accept connections")) ready();
    });
    server.on("exit", (code) => fail(new Error(`redis-server exited (${code}): ${output}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => stopProcess(server) };
}

export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once("exit", () => done());
    child.kill("SIGTERM");
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
