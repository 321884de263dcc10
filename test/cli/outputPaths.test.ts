import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./runCli.js";

// Every output location is checked before the work starts: one line, exit 2, nothing written.
const dir = mkdtempSync(join(tmpdir(), "uboost-outputs-"));
const aFile = join(dir, "taken.txt");
writeFileSync(aFile, "not a folder\n");
const missing = join(dir, "no", "such", "folder");
const data = join("..", "shared", "data", "does-not-matter");
const arch = join(dir, "arch.json");

const cases: [string, string[], RegExp][] = [
  [
    "search --out under /proc",
    ["search", "--data", data, "--out", "/proc/uboost/run"],
    /^uboost: --out \/proc\/uboost\/run: cannot write in \/proc/,
  ],
  [
    "search --out an existing file",
    ["search", "--data", data, "--out", aFile],
    /--out .*taken\.txt: is a file, expected a folder/,
  ],
  [
    "train --out under /proc",
    ["train", "--arch", arch, "--data", data, "--out", "/proc/uboost"],
    /--out \/proc\/uboost: cannot write in \/proc/,
  ],
  [
    "train --out an existing file",
    ["train", "--arch", arch, "--data", data, "--out", aFile],
    /is a file, expected a folder/,
  ],
  [
    "pareto --out under /proc",
    ["pareto", "--data", data, "--out", "/proc/uboost"],
    /--out \/proc\/uboost: cannot write in \/proc/,
  ],
  [
    "pareto --out an existing file",
    ["pareto", "--data", data, "--out", aFile],
    /is a file, expected a folder/,
  ],
  [
    "sweep --out in a missing folder",
    ["sweep", "--nets", "resnet18", "--out", join(missing, "rows.csv")],
    /--out .*rows\.csv: folder .*folder does not exist/,
  ],
  [
    "sweep --out under /proc",
    ["sweep", "--nets", "resnet18", "--out", "/proc/rows.csv"],
    /--out \/proc\/rows\.csv: cannot write in \/proc/,
  ],
  [
    "sweep --plot under /proc",
    ["sweep", "--nets", "resnet18", "--plot", "/proc/plot.svg"],
    /--plot \/proc\/plot\.svg: cannot write in \/proc/,
  ],
  [
    "sweep --plot ending in a slash",
    ["sweep", "--nets", "resnet18", "--plot", `${dir}/x.svg/`],
    /--plot .*x\.svg\/: is a folder, expected a file/,
  ],
  [
    "sweep --out an existing folder",
    ["sweep", "--nets", "resnet18", "--out", tmpdir()],
    /--out .*: is a folder, expected a file/,
  ],
  [
    "proxy --plot in a missing folder",
    ["proxy", "--samples", "20", "--plot", join(missing, "p.svg")],
    /--plot .*p\.svg: folder .* does not exist/,
  ],
  [
    "blackbox build --out under /proc",
    ["blackbox", "build", "--out", "/proc/table.json"],
    /--out \/proc\/table\.json: cannot write in \/proc/,
  ],
];

describe("output paths are checked before any work", () => {
  for (const [name, args, message] of cases) {
    it(`${name} → one line, exit 2`, () => {
      const { status, stdout, stderr } = runCli(args);
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(status).toBe(2);
      expect(stdout).toBe("");
    });
  }

  it("leaves nothing behind: no probe, no folder", () => {
    expect(readdirSync(dir)).toEqual(["taken.txt"]);
    expect(existsSync(join(dir, "no"))).toBe(false);
  });
});
