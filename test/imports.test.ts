/** Imports run one way: no cycle between the top-level parts of src/, nor between CLI files. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type ImportGraph,
  importCycles,
  importGraph,
  importSpecifiers,
  topLevelPart,
} from "./importGraph.js";

const src = join(import.meta.dirname, "..", "src");

const graphOf = (edges: Record<string, string[]>): ImportGraph =>
  new Map(Object.entries(edges).map(([from, to]) => [from, new Set(to)]));

describe("the cycle finder", () => {
  it("finds each cycle as one component, whatever node it is entered from", () => {
    const graph = graphOf({
      a: ["b"],
      b: ["c"],
      c: ["a", "d"],
      d: ["e"],
      e: ["d", "f"],
      f: [],
    });
    expect(importCycles(graph)).toEqual([
      ["a", "b", "c"],
      ["d", "e"],
    ]);
  });

  it("finds none in a graph whose edges all point one way, shared targets included", () => {
    const graph = graphOf({
      cli: ["search", "train"],
      search: ["train", "model"],
      train: ["model"],
    });
    expect(importCycles(graph)).toEqual([]);
    graph.set("model", new Set(["search"]));
    expect(importCycles(graph)).toEqual([["model", "search", "train"]]);
  });

  it("reads static, type-only, re-exported and dynamic imports, not packages", () => {
    const text = [
      'import * as tf from "@tensorflow/tfjs";',
      'import { a } from "./a.js";',
      'import type { B } from "../b/b.js";',
      'export { c } from "./c.js";',
      "const d = await import('./d.js');",
      'import "./e.js";',
    ].join("\n");
    expect(importSpecifiers(text)).toEqual(["./a.js", "../b/b.js", "./c.js", "./d.js", "./e.js"]);
  });

  it("sees a cycle that files in two folders make", () => {
    const root = mkdtempSync(join(tmpdir(), "uboost-imports-"));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    try {
      write("search/run.ts", 'import { train } from "../train/loop.js";\n');
      write("train/loop.ts", 'import { ops } from "./ops.js";\n');
      write("train/ops.ts", 'import type { Plan } from "../model/plan.js";\n');
      write("model/plan.ts", "export type Plan = number;\n");
      expect(importCycles(importGraph(root, topLevelPart))).toEqual([]);
      write("model/plan.ts", 'import { run } from "../search/run.js";\n');
      expect(importCycles(importGraph(root, topLevelPart))).toEqual([["model", "search", "train"]]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("uboost's imports", () => {
  it("no cycle between the top-level parts of src/", () => {
    const graph = importGraph(src, topLevelPart);
    expect(graph.size).toBeGreaterThan(10);
    expect(importCycles(graph)).toEqual([]);
  });

  it("no cycle between the files of src/cli/", () => {
    const cliFile = (path: string) => (path.startsWith("cli/") ? path : undefined);
    const graph = importGraph(src, cliFile);
    expect(graph.get("cli/search.ts")?.has("cli/searchRun.ts")).toBe(true);
    expect(importCycles(graph)).toEqual([]);
  });
});
