import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { containedPath, relativePathProblem } from "../../src/files/containedPath.js";
import { packFolder, unpackFolder } from "../../src/files/folderPack.js";

describe("paths inside a folder", () => {
  it("resolves relative paths under the root and refuses the rest", () => {
    expect(containedPath("/srv/data", "cifar/train")).toBe("/srv/data/cifar/train");
    expect(() => containedPath("/srv/data", "../data2")).toThrow(/leaves/);
    expect(relativePathProblem("..")).toMatch(/\.\. segments/);
    expect(relativePathProblem("")).toMatch(/non-empty/);
    expect(relativePathProblem("C:evil")).toMatch(/relative/);
  });
});

describe("folder packing", () => {
  const root = mkdtempSync(join(tmpdir(), "uboost-pack-"));
  const folder = join(root, "task");
  mkdirSync(join(folder, "final", "model"), { recursive: true });
  writeFileSync(join(folder, "final.json"), '{"testTop1":0.1}\n');
  writeFileSync(join(folder, "checkpoint-micro.bin"), Buffer.from([1, 2, 3]));
  writeFileSync(join(folder, "final", "model", "weights.bin"), Buffer.from([0, 255, 128, 7]));
  writeFileSync(join(folder, ".DS_Store"), "x");

  it("round-trips a folder's files byte for byte, leaving out what keep refuses", () => {
    const packed = packFolder(folder, (path) => !path.startsWith("checkpoint"), 1 << 20);
    expect(packed.map((file) => file.path)).toEqual(["final/model/weights.bin", "final.json"]);
    const copy = join(root, "copy");
    unpackFolder(copy, packed);
    for (const path of ["final.json", "final/model/weights.bin"]) {
      expect(readFileSync(join(copy, path)).equals(readFileSync(join(folder, path)))).toBe(true);
    }
    expect(() => packFolder(folder, () => true, 10)).toThrow(/more than a result may carry/);
  });
});
