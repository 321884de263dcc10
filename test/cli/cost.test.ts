import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./runCli.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-cost-"));
const layersCsv = join(dir, "net.csv");
writeFileSync(
  layersCsv,
  [
    "name,type,k1,k2,c,f,h,w,stride,dilation,batch",
    "a,conv,3,3,128,256,32,32,1,1,",
    "b,fc,,,129,128,1,1,,,2",
    "p,pool,2,2,256,256,16,16,2,1,",
  ].join("\n"),
);

describe("uboost cost", () => {
  it("--json prints one object with per-layer and total figures computed by hand", () => {
    const { status, stdout } = runCli([
      "cost",
      "--layers",
      layersCsv,
      "--array",
      "128x128",
      "--batch",
      "4",
      "--json",
    ]);
    expect(status).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.array).toEqual([128, 128]);
    expect(out.layers.map((l: { name: string }) => l.name)).toEqual(["a", "b", "p"]);
    // a: ⌈1152/128⌉·⌈256/128⌉·32·32·4 = 9·2·4096 cycles, util 1
    expect(out.layers[0]).toMatchObject({
      type: "conv",
      cycles: 73728,
      util: 1,
      macs: 4096 * 1152 * 256,
    });
    // b: fc, batch 2 from its row: ⌈129/128⌉·⌈128/128⌉·2 = 4 cycles, util 129/256
    expect(out.layers[1]).toMatchObject({ cycles: 4, util: 129 / 256, macs: 2 * 129 * 128 });
    expect(out.layers[2]).toMatchObject({ cycles: 0, macs: 0, util: 1 });
    expect(Object.keys(out.layers[0].smooth)).toEqual([
      "cycles",
      "util",
      "dCyclesDc",
      "dCyclesDf",
      "dUtilDc",
      "dUtilDf",
    ]);
    const macs = 4096 * 1152 * 256 + 2 * 129 * 128;
    expect(out.total).toEqual({
      macs,
      cycles: 73732,
      runtimeMs: 73732 / 1e6,
      util: macs / (73732 * 128 * 128),
    });
  });

  it("prints an aligned table with totals", () => {
    const { status, stdout } = runCli([
      "cost",
      "--type",
      "conv",
      "--k",
      "3",
      "--c",
      "128",
      "--f",
      "256",
      "--h",
      "32",
      "--w",
      "32",
    ]);
    expect(status).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^layer\s+type\s+k\s+c\s+f\s+out/);
    expect(lines[2]).toMatch(
      /conv\s+conv\s+3x3\s+128\s+256\s+32x32\s+1\s+301,989,888\s+18,432\s+100\.0%/,
    );
    expect(lines.at(-1)).toBe(
      "total: 301,989,888 MACs, 18,432 cycles, 0.01843 ms, utilization 100.0%",
    );
  });

  it("costs a zoo network (ResNet-50 MACs ≈ 4.09 G)", () => {
    const { status, stdout } = runCli(["cost", "--net", "resnet50", "--json"]);
    expect(status).toBe(0);
    expect(JSON.parse(stdout).total.macs / 1e9).toBeCloseTo(4.09, 2);
  });

  it("smooth util stays below 1 past 300 row folds; --smooth-terms 300 shows the authors' cap", () => {
    const conv = ["cost", "--type", "conv", "--k", "3", "--c", "512", "--f", "512", "--array"];
    const smoothUtil = (extra: string[]) => {
      const { status, stdout } = runCli([...conv, "8x8", "--h", "7", "--w", "7", ...extra]);
      expect(status).toBe(0);
      return JSON.parse(stdout).layers[0].smooth.util;
    };
    // 576 row folds and 64 column folds: S(n) ≈ n + 0.04/1.44 at an integer n (to 2e-8)
    const ceilingLag = 0.04 / 1.44;
    expect(smoothUtil(["--json"])).toBeCloseTo(
      (576 * 64) / ((576 + ceilingLag) * (64 + ceilingLag)),
      9,
    );
    // N = 300 saturates at 300 row folds: 576 / 300 ≈ 1.92
    expect(smoothUtil(["--json", "--smooth-terms", "300"])).toBeCloseTo(
      (576 * 64) / (300 * (64 + ceilingLag)),
      6,
    );
  });

  const bad: [string[], RegExp][] = [
    [
      ["cost", "--net", "resnet18", "--smooth-terms", "0"],
      /--smooth-terms: must be a positive integer/,
    ],
    [["cost", "--net", "resnet51"], /--net: "resnet51" is neither a file nor a zoo network/],
    [["cost", "--net", "resnet18", "--array", "128x"], /--array: expected ROWSxCOLS/],
    [
      ["cost", "--net", "resnet18", "--array", "0x128"],
      /--array, field rows: must be a positive integer/,
    ],
    [
      ["cost", "--type", "conv", "--c", "3", "--h", "4", "--w", "-4"],
      /field w: must be a positive integer \(got "-4"\)/,
    ],
    [
      ["cost", "--type", "conv", "--c", "3", "--h", "4", "--w", "4", "--batch", "1.5"],
      /--batch: must be a positive integer/,
    ],
    [["cost", "--layers", join(dir, "nope.csv")], /nope\.csv: cannot read \(no such file\)/],
    [["cost"], /give exactly one of --layers, --net, --arch or --type/],
    [["cost", "--net", "resnet18", "--bogus"], /Unknown argument: bogus/],
  ];
  for (const [args, message] of bad) {
    it(`rejects ${args.slice(1).join(" ")} with one line on stderr, exit 2, nothing on stdout`, () => {
      const { status, stdout, stderr } = runCli(args);
      expect(status).toBe(2);
      expect(stdout).toBe("");
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(stderr).toMatch(message);
    });
  }
});
