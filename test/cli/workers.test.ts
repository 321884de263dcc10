import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { runCli } from "./runCli.js";

describe("--workers beyond 4 per core", () => {
  const cap = 4 * availableParallelism();
  const note = `uboost: --workers 1000 capped at ${cap} (4 per core; more only wait for the cores)`;

  it("sweep runs on the capped pool and says so on stderr", () => {
    const args = ["sweep", "--nets", "resnet18", "--arrays", "8x8", "--batches", "1"];
    const { status, stdout, stderr } = runCli([...args, "--workers", "1000", "--json"]);
    expect(status).toBe(0);
    expect(stderr.split("\n")).toContain(note);
    expect(JSON.parse(stdout).rows.costed).toBe(1);
  });

  it("proxy too", () => {
    const args = ["proxy", "--samples", "20", "--devices", "8x8,16x16", "--no-adaproxy"];
    const { status, stdout, stderr } = runCli([...args, "--workers", "1000", "--json"]);
    expect(status).toBe(0);
    expect(stderr.split("\n")).toContain(note);
    expect(JSON.parse(stdout).samples).toBe(20);
  });
});
