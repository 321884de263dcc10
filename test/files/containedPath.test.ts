import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { linkProblem } from "../../src/files/containedPath.js";

describe("linkProblem", () => {
  // root/data/{cat/a.png, dog/b.png}; outside/secret.png beside root
  const base = mkdtempSync(join(tmpdir(), "uboost-links-"));
  const root = join(base, "root");
  const outside = join(base, "outside");
  mkdirSync(join(root, "data", "cat"), { recursive: true });
  mkdirSync(join(root, "data", "dog"));
  mkdirSync(outside);
  writeFileSync(join(root, "data", "cat", "a.png"), "a");
  writeFileSync(join(root, "data", "dog", "b.png"), "b");
  writeFileSync(join(outside, "secret.png"), "s");

  it("finds none in a folder of plain files and folders", () => {
    expect(linkProblem(root, join(root, "data"))).toBeUndefined();
  });

  it("lets links stay inside the root", () => {
    const inside = join(root, "inside");
    mkdirSync(join(inside, "cat"), { recursive: true });
    symlinkSync(join(root, "data", "cat", "a.png"), join(inside, "cat", "a.png"));
    symlinkSync(join(root, "data", "dog"), join(inside, "dog"));
    symlinkSync(join(root, "data", "dog"), join(inside, "dog2"));
    expect(linkProblem(root, inside)).toBeUndefined();
  });

  it("names a link back into a folder above it: the tree would be endless", () => {
    const loop = join(root, "loop");
    mkdirSync(join(loop, "cat"), { recursive: true });
    symlinkSync(loop, join(loop, "cat", "again"));
    expect(linkProblem(root, loop)).toBe(
      "loop/cat/again is a link back into a folder above it (an endless tree)",
    );
  });

  it("names a linked file, a linked folder or the folder itself when they lead outside", () => {
    const file = join(root, "file");
    mkdirSync(join(file, "cat"), { recursive: true });
    symlinkSync(join(outside, "secret.png"), join(file, "cat", "secret.png"));
    expect(linkProblem(root, file)).toBe(
      `file/cat/secret.png is a link that leads outside ${root}`,
    );

    const folder = join(root, "folder");
    mkdirSync(folder);
    symlinkSync(outside, join(folder, "cat"));
    expect(linkProblem(root, folder)).toBe(`folder/cat is a link that leads outside ${root}`);

    symlinkSync(outside, join(root, "itself"));
    expect(linkProblem(root, join(root, "itself"))).toBe(
      `itself is a link that leads outside ${root}`,
    );
  });

  it("names a link that leads nowhere", () => {
    const dangling = join(root, "dangling");
    mkdirSync(dangling);
    symlinkSync(join(base, "gone"), join(dangling, "x.png"));
    expect(linkProblem(root, dangling)).toBe("dangling/x.png is a link that leads nowhere");
  });

  it("follows the root's own links: a root reached through a link is still the root", () => {
    const linkedRoot = join(base, "linked-root");
    symlinkSync(root, linkedRoot);
    expect(linkProblem(linkedRoot, join(linkedRoot, "data"))).toBeUndefined();
  });
});
