import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { staleSource } from "./freshBuild.js";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A tree of files, each with its modification time in seconds. */
function tree(files: Record<string, number>): string {
  const root = mkdtempSync(join(tmpdir(), "uboost-fresh-"));
  roots.push(root);
  for (const dir of ["assembly", "src", "bench"]) mkdirSync(join(root, dir), { recursive: true });
  for (const [file, seconds] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), "");
    utimesSync(join(root, file), seconds, seconds);
  }
  return root;
}

const fresh = {
  "assembly/index.ts": 100,
  "build/uboost.wasm": 200,
  "src/cli/main.ts": 100,
  "dist/src/cli/main.js": 200,
  "bench/engine.ts": 100,
  "dist/bench/engine.js": 200,
};

describe("staleSource", () => {
  it("is undefined when every output is newer than its source", () => {
    expect(staleSource(tree(fresh))).toBeUndefined();
  });

  it("names a TypeScript source edited after its build", () => {
    expect(staleSource(tree({ ...fresh, "src/cli/main.ts": 300 }))).toBe(join("src/cli/main.ts"));
    expect(staleSource(tree({ ...fresh, "bench/engine.ts": 300 }))).toBe(join("bench/engine.ts"));
  });

  it("names a source with no output and an engine edited after the WASM build", () => {
    expect(staleSource(tree({ ...fresh, "src/new.ts": 50 }))).toBe(join("src/new.ts"));
    expect(staleSource(tree({ ...fresh, "assembly/index.ts": 300 }))).toBe(
      join("assembly/index.ts"),
    );
  });
});
