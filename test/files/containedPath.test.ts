import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { linkLeaving } from "../../src/files/containedPath.js";

describe("linkLeaving", () => {
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
    expect(linkLeaving(root, join(root, "data"))).toBeUndefined();
  });

  it("lets links stay inside the root, a link back to an ancestor included (no endless walk)", () => {
    const inside = join(root, "inside");
    mkdirSync(join(inside, "cat"), { recursive: true });
    symlinkSync(join(root, "data", "cat", "a.png"), join(inside, "cat", "a.png"));
    symlinkSync(join(root, "data", "dog"), join(inside, "dog"));
    symlinkSync(inside, join(inside, "loop"));
    expect(linkLeaving(root, inside)).toBeUndefined();
  });

  it("names a linked file, a linked folder or the folder itself when they lead outside", () => {
    const file = join(root, "file");
    mkdirSync(join(file, "cat"), { recursive: true });
    symlinkSync(join(outside, "secret.png"), join(file, "cat", "secret.png"));
    expect(linkLeaving(root, file)).toBe("file/cat/secret.png");

    const folder = join(root, "folder");
    mkdirSync(folder);
    symlinkSync(outside, join(folder, "cat"));
    expect(linkLeaving(root, folder)).toBe("folder/cat");

    symlinkSync(outside, join(root, "itself"));
    expect(linkLeaving(root, join(root, "itself"))).toBe("itself");
  });

  it("names a link that leads nowhere", () => {
    const dangling = join(root, "dangling");
    mkdirSync(dangling);
    symlinkSync(join(base, "gone"), join(dangling, "x.png"));
    expect(linkLeaving(root, dangling)).toBe("dangling/x.png");
  });

  it("follows the root's own links: a root reached through a link is still the root", () => {
    const linkedRoot = join(base, "linked-root");
    symlinkSync(root, linkedRoot);
    expect(linkLeaving(linkedRoot, join(linkedRoot, "data"))).toBeUndefined();
  });
});
