import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./runCli.js";

describe("uboost simulate", () => {
  it("--json reports every layer with a breakdown that adds up to cycles × PEs", () => {
    const { status, stdout } = runCli([
      "simulate",
      "--net",
      "mobilenetv2",
      "--array",
      "32x16",
      "--batch",
      "2",
      "--json",
    ]);
    expect(status).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.array).toEqual([32, 16]);
    expect(out.layers).toHaveLength(64);
    for (const layer of out.layers) {
      const parts = Object.values(layer.breakdown as Record<string, number>).reduce(
        (a, b) => a + b,
        0,
      );
      expect(parts).toBe(layer.cycles * 32 * 16);
    }
    const cycles = out.layers.reduce(
      (sum: number, layer: { cycles: number }) => sum + layer.cycles,
      0,
    );
    expect(out.total.cycles).toBe(cycles);
    expect(out.total.runtimeMs).toBeCloseTo(cycles / 1e6, 9);
  });

  it("c = f = 10⁷ on 8×8 (1.6·10¹² folds) answers at once, folds counted in closed form", () => {
    const layers = join(mkdtempSync(join(tmpdir(), "uboost-sim-")), "big.csv");
    writeFileSync(layers, "name,type,c,f,h,w,batch\nbig,conv,10000000,10000000,1,1,1\n");
    const { status, stdout } = runCli(["simulate", "--layers", layers, "--array", "8x8", "--json"]);
    expect(status).toBe(0);
    const [big] = JSON.parse(stdout).layers;
    expect(big.computeCycles).toBe((1e7 / 8) ** 2 * (2 * 8 + 8 - 2 + 1));
  });

  it("with unlimited SRAM and bandwidth, cycles are the compute cycles", () => {
    const args = [
      "simulate",
      "--net",
      "resnet18",
      "--batch",
      "1",
      "--sram",
      "unlimited",
      "--bw",
      "unlimited",
      "--json",
    ];
    const out = JSON.parse(runCli(args).stdout);
    for (const layer of out.layers) {
      expect(layer.cycles).toBe(layer.computeCycles);
      expect(layer.breakdown.memoryStall).toBe(0);
    }
  });

  it("prints a table whose columns explain where the PE-cycles went", () => {
    const { status, stdout } = runCli(["simulate", "--net", "resnet18"]);
    expect(status).toBe(0);
    expect(stdout.split("\n")[0]).toMatch(
      /layer\s+type\s+MACs\s+cycles\s+util\s+active\s+row pad\s+col pad\s+fill\/drain\s+w-load\s+mem stall/,
    );
    expect(stdout.trimEnd().split("\n").at(-1)).toMatch(
      /^total: 116,100,694,016 MACs, [\d,]+ cycles/,
    );
  });

  const bad: [string[], RegExp][] = [
    [["simulate", "--net", "resnet18", "--sram", "15XB"], /--sram: expected a size/],
    [["simulate", "--net", "resnet18", "--bw", "-3"], /--bw: must be a positive number/],
    [["simulate", "--net", "resnet18", "--array", "x128"], /--array: expected ROWSxCOLS/],
    [["simulate"], /give exactly one of --net, --layers or --arch/],
  ];
  for (const [args, message] of bad) {
    it(`rejects ${args.slice(1).join(" ")} with exit 2`, () => {
      const { status, stdout, stderr } = runCli(args);
      expect(status).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(message);
    });
  }
});
