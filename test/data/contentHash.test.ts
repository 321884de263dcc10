import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { folderHash } from "../../src/data/contentHash.js";

describe("data folder content hash", () => {
  const folder = mkdtempSync(join(tmpdir(), "uboost-hash-"));
  mkdirSync(join(folder, "train", "cat"), { recursive: true });
  writeFileSync(join(folder, "train", "cat", "0.png"), Buffer.from([137, 80, 78, 71]));
  writeFileSync(join(folder, "batches.meta.txt"), "cat\n");
  writeFileSync(join(folder, "train.bin"), Buffer.from([9]));
  mkdirSync(join(folder, ".git"));
  writeFileSync(join(folder, ".git", "HEAD"), "x");

  it("hashes path, size and bytes of each file in order, dotfiles aside", async () => {
    const expected = createHash("sha256");
    // "train" sorts before "train.bin": folder by folder, names by code unit
    for (const [path, bytes] of [
      ["batches.meta.txt", Buffer.from("cat\n")],
      ["train/cat/0.png", Buffer.from([137, 80, 78, 71])],
      ["train.bin", Buffer.from([9])],
    ] as const) {
      expected.update(`${path}\0${bytes.length}\0`);
      expected.update(bytes);
    }
    expect(await folderHash(folder)).toBe(expected.digest("hex"));
  });

  it("changes with one byte of one file, and not with a dotfile", async () => {
    const before = await folderHash(folder);
    writeFileSync(join(folder, ".DS_Store"), "y");
    expect(await folderHash(folder)).toBe(before);
    writeFileSync(join(folder, "train.bin"), Buffer.from([8]));
    expect(await folderHash(folder)).not.toBe(before);
  });
});
