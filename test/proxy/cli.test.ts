import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import { uboostSpace } from "../../src/model/space.js";
import { evaluateLatenciesInline } from "../../src/proxy/evaluate.js";
import {
  architectureId,
  cifarShape,
  defaultChannels,
  sampleArchitectures,
} from "../../src/proxy/sample.js";
import { runCli } from "../cli/runCli.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-proxy-"));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("uboost proxy, sampled architectures", () => {
  it("prints the SRCC matrix, one-proxy and AdaProxy as JSON, and plots them", () => {
    const plot = join(dir, "proxy.svg");
    const args = ["proxy", "--samples", "200", "--devices", "32x32,128x128,128x64@sram=1MB,bw=10"];
    const { status, stdout, stderr } = runCli([
      ...args,
      ...["--workers", "2", "--ada-samples", "5,20", "--plot", plot, "--json"],
    ]);
    expect(status).toBe(0);
    // off a terminal: whole lines only (no bare \r), what it is doing and where the plot went
    expect(stderr).not.toMatch(/\r/);
    const lines = stderr.trimEnd().split("\n");
    expect(lines).toContain("uboost proxy: SRCC between 3 devices");
    expect(lines).toContain("uboost proxy: AdaProxy: training the predictor on 32x32");
    expect(lines.at(-1)).toBe(`uboost proxy: plot written to ${plot}`);
    expect(lines[0]).toMatch(/^systolic latency on 3 devices \d+\/200$/);
    const result = JSON.parse(stdout);
    expect(result.devices).toEqual(["32x32", "128x128", "128x64@sram=1MB,bw=10"]);
    expect(result.samples).toBe(200);
    expect(result.model).toBe("systolic");
    expect(result.srcc).toHaveLength(3);
    result.srcc.forEach((row: number[], i: number) => {
      expect(row[i]).toBe(1);
      row.forEach((value, j) => {
        expect(value).toBe(result.srcc[j][i]);
        expect(Math.abs(value)).toBeLessThanOrEqual(1);
      });
    });
    // the systolic model ignores SRAM and bandwidth: 128x64 ranks as a 128x64 array would
    expect(result.srcc[1][2]).toBeGreaterThan(0.8);
    expect(result.oneProxy.score).toBe("log-params");
    expect(result.oneProxy.constraints.map((c: { quantile: number }) => c.quantile)).toEqual([
      0.1, 0.25, 0.5, 0.75, 0.9,
    ]);
    for (const row of result.oneProxy.constraints) {
      expect(row.pick).toMatch(/^[a-z0-9/]+:[0-9/]+$/);
      expect(row.targets.map((t: { device: string }) => t.device)).toEqual(result.devices.slice(1));
    }
    expect(result.adaProxy.samples).toEqual([5, 20]);
    expect(result.adaProxy.features).toBe("architecture");
    expect(result.adaProxy.targets).toHaveLength(2);
    expect(readFileSync(plot, "utf8")).toMatch(/^<svg[\s\S]*AdaProxy[\s\S]*<\/svg>$/);
  });

  it("prints tables, the same SRCC with sim on one worker", () => {
    const { status, stdout } = runCli([
      "proxy",
      ...["--samples", "60", "--devices", "32x32,256x256", "--model", "sim", "--workers", "1"],
      "--no-adaproxy",
    ]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/SRCC of latency between devices \(sim model, 60 architectures\)/);
    expect(stdout).toMatch(/^256x256 +-?\d\.\d{3} +1\.000$/m);
    expect(stdout).toMatch(/One proxy \(32x32\): the best log-params/);
    expect(stdout).not.toMatch(/AdaProxy/);
  });
});

describe("uboost proxy --latencies", () => {
  // b is a monotone function of a, c reverses it: SRCC 1 and −1 by construction
  const rows = Array.from({ length: 30 }, (_, i) => {
    const a = 1 + ((i * 7) % 30);
    return `net${i},${a},${(2 * a) ** 1.5},${100 / a},${(0.5 + i / 100).toFixed(3)}`;
  });
  const measured = write("measured.csv", `arch,a,b,c,accuracy\n${rows.join("\n")}\n`);

  it("runs the same analysis on measured latencies", () => {
    const { status, stdout } = runCli([
      "proxy",
      "--latencies",
      measured,
      "--ada-samples",
      "5",
      "--json",
    ]);
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.devices).toEqual(["a", "b", "c"]);
    expect(result.samples).toBe(30);
    expect(result.model).toBeNull();
    expect(result.srcc).toEqual([
      [1, 1, -1],
      [1, 1, -1],
      [-1, -1, 1],
    ]);
    expect(result.oneProxy.score).toBe("accuracy");
    // a monotone target loses nothing
    for (const row of result.oneProxy.constraints) expect(row.targets[0].loss).toBe(0);
    expect(result.adaProxy.features).toBe("proxy latency");
  });

  it("gives a device whose latencies are all equal null SRCC and null AdaProxy figures", () => {
    // 30 rows: Σ rank/30 does not add up to the rank exactly, the variance must still be 0
    const lines = Array.from({ length: 30 }, (_, i) => `n${i},${1 + ((i * 7) % 30)},0.1`);
    const path = write("constant.csv", `arch,a,k\n${lines.join("\n")}\n`);
    const { status, stdout } = runCli([
      "proxy",
      "--latencies",
      path,
      "--ada-samples",
      "5",
      "--json",
    ]);
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.srcc).toEqual([
      [1, null],
      [null, null],
    ]);
    expect(result.adaProxy.targets).toEqual([{ device: "k", before: null, after: [null] }]);
  });

  it("decodes architecture ids into predictor features", () => {
    const sample = { space: uboostSpace, shape: cifarShape, channels: defaultChannels, batch: 64 };
    const archs = sampleArchitectures(sample, 40, 5);
    const devices = [16, 64].map((size) => ({
      label: `${size}`,
      config: { ...defaultSimConfig, arrayRows: size, arrayCols: size },
    }));
    const [small, large] = evaluateLatenciesInline(sample, archs, devices, "systolic");
    const lines = Array.from(
      small,
      (ms, i) => `${architectureId(uboostSpace, archs, i)},${ms},${large[i]}`,
    );
    const path = write("ids.csv", `arch,edge,cloud\n${lines.join("\n")}\n`);
    const { status, stdout } = runCli(["proxy", "--latencies", path, "--proxy", "cloud", "--json"]);
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.proxy).toBe("cloud");
    expect(result.oneProxy.score).toBe("log-params");
    expect(result.adaProxy.features).toBe("architecture");
    expect(result.adaProxy.samples).toEqual([5, 10, 20]);
  });
});

describe("uboost proxy, bad input", () => {
  const short = write("short.csv", "arch,a,b\nn1,1,2\n");
  const bad = write(
    "bad.csv",
    `arch,a,b\n${Array.from({ length: 12 }, (_, i) => `n${i},${i === 3 ? "x" : 1},2`).join("\n")}\n`,
  );
  const cases: [string[], RegExp][] = [
    [["--devices", "32x32"], /--devices: give at least 2 devices/],
    [["--devices", "32x32,64y64"], /--devices 64y64: expected ROWSxCOLS/],
    [["--devices", "32x32,64x64@sram=lots"], /--devices 64x64@sram=lots: expected a size/],
    [["--devices", "32x32,64x64@volts=1"], /unknown setting "volts"/],
    [["--devices", "32x32,32x32"], /"32x32" is listed twice/],
    [["--samples", "0"], /--samples: must be a positive integer/],
    [
      ["--samples", "1000000000"],
      /--samples 1,000,000,000: needs about [\d,.]+ GiB of memory \(this machine has [\d,.]+ GiB\); at most [\d,]+ samples fit/,
    ],
    [["--model", "magic"], /--model: unknown value "magic"/],
    [
      ["--model", "blackbox"],
      /--model: unknown value "blackbox" \(known: .*sim, csim, csim-smooth\)/,
    ],
    [["--proxy", "64x64", "--devices", "32x32,128x128"], /--proxy: "64x64" is not a device/],
    [
      ["--constraints", "0.000001", "--samples", "20"],
      /--constraints: 0.000001 ms admits no architecture/,
    ],
    [["--score-column", "acc"], /--score-column needs --latencies/],
    [["--ada-samples", "5,50", "--samples", "40"], /--ada-samples: 50 target samples/],
    [["--channels", "280:64:8"], /--channels: expected MIN:MAX:STEP/],
    [["--channels", "16:64"], /--channels: expected MIN:MAX:STEP/],
    [["--seed", "x"], /--seed: must be an integer >= 0 \(got "x"\)/],
    [["--constraints", "1,,2"], /--constraints: empty item in "1,,2"/],
    [["--space", join(dir, "nope.json")], /nope\.json: cannot read/],
    [["--latencies", short], /short\.csv: needs at least 10 architecture rows/],
    [["--latencies", bad], /bad\.csv row 4, field a: not a number \(got "x"\)/],
    [["--plot", join(dir, "plot.png")], /--plot .*plot\.png: expected an \.svg file/],
  ];
  for (const [args, message] of cases) {
    it(`${args.join(" ")} → one line, exit 2`, () => {
      const { status, stdout, stderr } = runCli(["proxy", "--workers", "1", ...args]);
      // one error line, the last; a check that needs latencies follows the progress lines
      const lines = stderr.trim().split("\n");
      expect(lines.at(-1)).toMatch(message);
      expect(lines.filter((line) => line.startsWith("uboost: "))).toHaveLength(1);
      expect(status).toBe(2);
      expect(stdout).toBe("");
    });
  }

  it("writes no plot when it fails", () => {
    expect(existsSync(join(dir, "plot.png"))).toBe(false);
  });
});
