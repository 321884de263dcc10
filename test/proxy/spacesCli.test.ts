import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/projectRoot.js";
import { spaces } from "../../src/spaces/index.js";
import { archAt, sampleArchs } from "../../src/spaces/space.js";
import { runCli } from "../cli/runCli.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-spaces-"));
const example = join(projectRoot(), "data", "nasbench201-latencies.csv");
const allNone = "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|";
const allConv3 =
  "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|";

describe("uboost proxy --space nasbench201", () => {
  it("evaluates all 15,625 cells and reports the space's extremes", () => {
    const { status, stdout } = runCli([
      ...["proxy", "--space", "nasbench201", "--devices", "32x32,256x256"],
      ...["--no-adaproxy", "--json"],
    ]);
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.samples).toBe(15_625);
    expect(result.space).toMatchObject({
      space: "nasbench201",
      dataset: "cifar10",
      architectures: 15_625,
      // the hand-worked extremes of test/spaces/nasbench201.test.ts
      macs: { min: 7_783_040, max: 220_119_680 },
      params: { min: 73_306, max: 1_531_546 },
    });
    for (const extreme of result.space.extremes) {
      // an empty cell is the fastest (the first in enumeration order among free cells), all-3×3 the slowest
      expect(extreme.fastest.arch).toBe(allNone);
      expect(extreme.slowest.arch).toBe(allConv3);
    }
    expect(result.oneProxy.search).toEqual({ method: "exhaustive" });
  });

  it("searches by regularized evolution within the proxy's limit", () => {
    const { status, stdout } = runCli([
      ...["proxy", "--space", "nasbench201", "--dataset", "ImageNet16-120"],
      ...["--devices", "32x32,128x128", "--no-adaproxy", "--json"],
      ...["--search", "evolution", "--budget", "200", "--population", "20", "--tournament", "5"],
    ]);
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.space.dataset).toBe("ImageNet16-120");
    expect(result.oneProxy.search).toEqual({
      method: "evolution",
      population: 20,
      tournament: 5,
      budget: 200,
      seed: 0,
    });
    for (const row of result.oneProxy.constraints) {
      expect(row.pickScore).toBeLessThanOrEqual(row.proxyBestScore);
      expect(row.pick).toMatch(/^\|[a-z_0-9]+~0\|\+/);
    }
  });

  it("reads a latency CSV keyed by NAS-Bench-201 strings: features and scores for every row", () => {
    const text = readFileSync(example, "utf8");
    const rows = text.split("\n").filter((line) => line.startsWith("|"));
    // an accuracy column (made up: the row's index) becomes the one-proxy score
    const withScore = [
      "arch,32x32,128x128,256x64,accuracy",
      ...rows.map((row, i) => `${row},${i}`),
    ].join("\n");
    const file = join(dir, "scored.csv");
    writeFileSync(file, withScore);
    const { status, stdout } = runCli([
      ...["proxy", "--space", "nasbench201", "--latencies", file],
      ...["--ada-samples", "5", "--json"],
    ]);
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.samples).toBe(rows.length);
    expect(result.oneProxy.score).toBe("accuracy");
    expect(result.adaProxy.features).toBe("architecture");
    expect(result.space.architectures).toBe(rows.length);
  });

  const badRow = join(dir, "badrow.csv");
  const rows = readFileSync(example, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("|") || line.startsWith("arch"));
  rows[3] = rows[3].replace("~0|+", "~1|+");
  writeFileSync(badRow, rows.join("\n"));

  const cases: [string[], RegExp][] = [
    [
      ["--latencies", badRow],
      /badrow\.csv row 3, field arch: not a nasbench201 architecture: .*input 1 should be ~0/,
    ],
    [["--samples", "100"], /--samples: nasbench201 is evaluated whole/],
    [["--resolution", "64"], /--resolution: nasbench201 fixes its own/],
    [["--dataset", "imagenet"], /--dataset: nasbench201 has no dataset "imagenet"/],
    [["--budget", "10"], /--budget: needs --search evolution/],
    [
      ["--search", "evolution", "--tournament", "60"],
      /--tournament: at most the population \(50\)/,
    ],
  ];
  for (const [args, message] of cases) {
    it(`${args.join(" ")} → one line, exit 2`, () => {
      const { status, stdout, stderr } = runCli(["proxy", "--space", "nasbench201", ...args]);
      expect(stderr.trim().split("\n").at(-1)).toMatch(message);
      expect(status).toBe(2);
      expect(stdout).toBe("");
    });
  }

  it("evolution and --dataset need a published space", () => {
    const evolution = runCli(["proxy", "--search", "evolution", "--samples", "20"]);
    expect(evolution.stderr).toMatch(/--search evolution: needs a published --space \(nasbench201/);
    expect(evolution.status).toBe(2);
    const dataset = runCli(["proxy", "--dataset", "cifar10", "--samples", "20"]);
    expect(dataset.stderr).toMatch(/--dataset: only for a published --space/);
    expect(dataset.status).toBe(2);
  });
});

describe.each(["mobilenetv2", "fbnet"])("uboost proxy --space %s", (name) => {
  it("samples, prices and picks architectures written in the space's own strings", () => {
    const { status, stdout } = runCli([
      ...["proxy", "--space", name, "--samples", "20", "--devices", "32x32,128x128"],
      ...["--no-adaproxy", "--json"],
    ]);
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.space.architectures).toBe(20);
    for (const row of result.oneProxy.constraints) {
      expect(spaces[name].print(spaces[name].parse(row.pick))).toBe(row.pick);
    }
  });

  it("reads a latency CSV keyed by the space's strings (quoted, as they hold commas)", () => {
    const table = sampleArchs(spaces[name], 12, 3);
    const lines = ["arch,a,b,accuracy"];
    for (let i = 0; i < table.count; i++) {
      lines.push(`"${spaces[name].print(archAt(table, i))}",${i + 1},${13 - i},${i % 5}`);
    }
    const file = join(dir, `${name}.csv`);
    writeFileSync(file, lines.join("\n"));
    const { status, stdout } = runCli([
      ...["proxy", "--space", name, "--latencies", file, "--ada-samples", "5", "--json"],
    ]);
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.adaProxy.features).toBe("architecture");
    expect(result.space.architectures).toBe(12);
    // latency b falls as a rises: the two devices rank in reverse
    expect(result.srcc[0][1]).toBe(-1);
  });
});
