import { describe, expect, it } from "vitest";
import { runCli } from "./runCli.js";

const allConv3 =
  "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";
const fbnetAllSkip = `[${Array(22).fill("'skip'").join(", ")}]`;

describe("uboost cost --space NAME --arch STRING", () => {
  it("costs a NAS-Bench-201 cell's network (the hand-worked 220,119,680 MACs of all-3×3)", () => {
    const { status, stdout } = runCli([
      "cost",
      "--space",
      "nasbench201",
      "--arch",
      allConv3,
      "--json",
    ]);
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.total.macs).toBe(220_119_680);
    expect(result.layers[0]).toMatchObject({ name: "stem.conv", type: "conv" });
  });

  it("costs an FBNet block list on ImageNet and on CIFAR-100", () => {
    const imagenet = JSON.parse(
      runCli(["cost", "--space", "fbnet", "--arch", fbnetAllSkip, "--json"]).stdout,
    );
    expect(imagenet.total.macs).toBe(49_419_136);
    const cifar = runCli([
      ...["cost", "--space", "fbnet", "--arch", fbnetAllSkip, "--dataset", "cifar100", "--json"],
    ]);
    expect(JSON.parse(cifar.stdout).layers.at(-1)).toMatchObject({ name: "fc", type: "fc" });
  });

  it.each([
    [["--arch", allConv3], /--arch: needs --space \(nasbench201, mobilenetv2, fbnet\)/],
    [
      ["--space", "nasbench201", "--arch", "|none~0|"],
      /--arch: "\|none~0\|": a NAS-Bench-201 cell has 3 nodes/,
    ],
    [["--space", "nasbench201"], /cost: give exactly one of/],
    [["--space", "nasbench201", "--net", "resnet18"], /--space: only with --arch/],
    [
      ["--space", "nasbench201", "--arch", allConv3, "--dataset", "svhn"],
      /--dataset: nasbench201 has no dataset "svhn"/,
    ],
  ])("%s → one line, exit 2", (args, message) => {
    const { status, stdout, stderr } = runCli(["cost", ...args]);
    expect(stderr.trim()).toMatch(message);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(status).toBe(2);
    expect(stdout).toBe("");
  });
});
