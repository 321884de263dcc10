/**
 * The import graph of a TypeScript tree, for holding the architecture's direction in a test:
 * which files import which (static, type-only, re-exports and dynamic `import()` alike), grouped
 * into parts, and the cycles between parts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

/** node → the nodes it imports */
export type ImportGraph = Map<string, Set<string>>;

const relativeImport = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;

/** The relative specifiers a source text imports ("./x.js", "../y/z.js"); packages are left out. */
export function importSpecifiers(text: string): string[] {
  return [...text.matchAll(relativeImport)].map((match) => match[1]);
}

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typescriptFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/**
 * The graph between the parts of the files under `root`: `partOf` names a file's part (a path
 * relative to root, "/"-separated; undefined leaves it out). Imports within one part are not edges.
 */
export function importGraph(
  root: string,
  partOf: (path: string) => string | undefined,
): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of typescriptFiles(root)) {
    const from = partOf(relative(root, file).split(sep).join("/"));
    if (from === undefined) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    for (const specifier of importSpecifiers(readFileSync(file, "utf8"))) {
      const target = resolve(dirname(file), specifier).replace(/\.js$/, ".ts");
      const to = partOf(relative(root, target).split(sep).join("/"));
      if (to !== undefined && to !== from) graph.get(from)?.add(to);
    }
  }
  return graph;
}

/** A path's top-level part: its first folder, or the file's name without .ts. */
export const topLevelPart = (path: string) => path.split("/")[0].replace(/\.ts$/, "");

/**
 * The cycles: every strongly connected component of more than one node (Tarjan), members sorted,
 * components in order of their first member.
 */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles.sort((a, b) => a[0].localeCompare(b[0]));
}
