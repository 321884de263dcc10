import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./runCli.js";

const planOf = (flags: string[]) => {
  const { status, stdout, stderr } = runCli(["search", "--plan", "--json", ...flags]);
  expect(stderr).toBe("");
  expect(status).toBe(0);
  return JSON.parse(stdout);
};

describe("uboost search --plan", () => {
  it("the paper preset: micro cells at 16, 8, 4; channel/final cells at 16, 8, 8, 8, 4, 4, 4, 2, 2", () => {
    const plan = planOf([]);
    expect(plan.stem).toEqual({
      kernel: 3,
      inChannels: 3,
      outChannels: 128,
      resolution: 32,
      outResolution: 16,
    });
    const { micro, channel } = plan.stages;
    expect(micro.layout).toBe("1,1,1");
    expect(micro.cells.map((cell: { resolution: number }) => cell.resolution)).toEqual([16, 8, 4]);
    expect(micro.cells.map((cell: { xppStride: number }) => cell.xppStride)).toEqual([1, 2, 2]);
    expect(micro.cells.every((cell: { channels: number }) => cell.channels === 128)).toBe(true);
    // flatten + linear: 2 × 2 positions × 128 channels
    expect(micro.head).toEqual({ resolution: 2, channels: 128, features: 512, classes: 10 });
    expect(channel.layout).toBe("1,0,0,1,0,0,1,0,0");
    expect(channel.cells.map((cell: { resolution: number }) => cell.resolution)).toEqual([
      16, 8, 8, 8, 4, 4, 4, 2, 2,
    ]);
    expect(channel.cells.map((cell: { xppStride: number }) => cell.xppStride)).toEqual([
      1, 2, 1, 1, 2, 1, 1, 2, 1,
    ]);
    // the stem feeds cell 0 (both inputs) and cell 1's x_pp at its fixed 128 channels
    expect(channel.cells[1].inChannels).toEqual({ x_p: 280, x_pp: 128 });
    expect(channel.searchedChannels).toEqual({ min: 64, max: 280, step: 8 });
    expect(channel.head).toEqual({ resolution: 2, channels: 280, features: 1120, classes: 10 });
  });

  it("ImageNet-100 at 128 px: cells from 64 down to 8, an 8×8 head", () => {
    const { stem, stages } = planOf(["--preset", "imagenet100"]);
    expect(stem.outResolution).toBe(64);
    expect(stages.micro.cells.map((cell: { resolution: number }) => cell.resolution)).toEqual([
      64, 32, 16,
    ]);
    expect(stages.channel.cells.map((cell: { resolution: number }) => cell.resolution)).toEqual([
      64, 32, 32, 32, 16, 16, 16, 8, 8,
    ]);
    expect(stages.micro.head).toMatchObject({ resolution: 8, features: 8 * 8 * 128 });
    expect(stages.channel.head).toEqual({
      resolution: 8,
      channels: 280,
      features: 8 * 8 * 280,
      classes: 100,
    });
  });

  it("layout and resolution flags: other layouts, and the table without --json", () => {
    const plan = planOf([
      "--micro-layout",
      "0,1",
      "--channel-layout",
      "1,1,0",
      "--resolution",
      "64",
    ]);
    expect(plan.stages.micro.cells.map((cell: { resolution: number }) => cell.resolution)).toEqual([
      32, 32,
    ]);
    expect(plan.stages.micro.cells[1].xppStride).toBe(1);
    expect(
      plan.stages.channel.cells.map((cell: { outResolution: number }) => cell.outResolution),
    ).toEqual([16, 8, 8]);
    const { status, stdout } = runCli(["search", "--plan", "--preset", "demo"]);
    expect(status).toBe(0);
    expect(stdout).toContain("stem: 3×3 conv 3 → 16, BN, ReLU at 16 px, 2×2 max-pool → 8 px");
    expect(stdout).toContain("head: flatten 1×1×40 = 40 → linear → 10 classes");
  });

  it("bad layouts and resolutions: one line naming the flag, exit 2, nothing written", () => {
    const out = mkdtempSync(join(tmpdir(), "uboost-plan-"));
    const cases: [string[], string][] = [
      [
        ["--resolution", "24"],
        "uboost: --micro-layout: the 2×2 max-pool after cell 3 gets 3 px, which 2 does not divide (input 24 px); choose a --resolution that halves evenly\n",
      ],
      [
        ["--channel-layout", "1,1,1,1,1"],
        "uboost: --channel-layout: the 2×2 max-pool after cell 5 would take 1 px below 1 px (input 32 px); use fewer pools or a larger --resolution\n",
      ],
      [
        ["--micro-layout", ""],
        "uboost: --micro-layout: give at least one cell (one 0 or 1 per cell)\n",
      ],
      [
        ["--micro-layout", "1,2"],
        'uboost: --micro-layout: expected one 0 or 1 per cell, 1 = a 2×2 max-pool after the cell (got "2")\n',
      ],
      // The flags' one list rule: an empty item is refused as such, not read as a bad cell.
      [["--micro-layout", "1,,1"], 'uboost: --micro-layout: empty item in "1,,1"\n'],
      [["--resolution", "0"], 'uboost: --resolution: must be a positive integer (got "0")\n'],
      [
        ["--resolution", "31"],
        "uboost: --micro-layout: the 2×2 max-pool after the stem gets 31 px",
      ],
    ];
    for (const [flags, message] of cases) {
      // a real search (not --plan) with a data folder that need not exist: validation comes first
      const { status, stderr } = runCli([
        "search",
        "--data",
        join(out, "no-data"),
        "--out",
        join(out, "run"),
        ...flags,
      ]);
      expect(status).toBe(2);
      expect(stderr.startsWith(message)).toBe(true);
      expect(stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(readdirSync(out)).toEqual([]);
  });
});
