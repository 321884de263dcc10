import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/runCli.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-sweep-cli-"));

describe("uboost sweep", () => {
  it("prints per-network utilization per array and the fastest array; --json has the same", () => {
    const args = [
      "sweep",
      "--nets",
      "resnet18,vgg16",
      "--arrays",
      "32x32,128x128,128x64",
      "--workers",
      "2",
    ];
    const table = runCli(args);
    expect(table.status).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^network\s+batch\s+32x32\s+128x128\s+128x64\s+fastest\s+runtime$/);
    expect(lines[2]).toMatch(/^resnet18\s+1\s+99\.4%\s+67\.6%\s+92\.3%\s+128x128\s+0\.1639 ms$/);
    // off a terminal the progress comes as whole lines first
    expect(table.stderr).toMatch(/^6 rows in [\d.]+ s/m);
    expect(table.stderr).not.toMatch(/\r/);

    const json = JSON.parse(runCli([...args, "--json"]).stdout);
    expect(json.rows).toEqual({ total: 6, resumed: 0, costed: 6, failed: 0 });
    expect(json.summary.best).toContainEqual(
      expect.objectContaining({ network: "vgg16", array: "128x128" }),
    );
  });

  it("streams rows to --out, --resume finds nothing left to do, --plot draws the curves as SVG", () => {
    const out = join(dir, "fig4.csv");
    const plot = join(dir, "fig4.svg");
    const family = ["--family", "conv:k=3,c=128,f=8..64,h=32,w=32", "--arrays", "32x32,64x64"];
    const first = runCli(["sweep", ...family, "--out", out, "--plot", plot, "--json"]);
    expect(first.status).toBe(0);
    expect(readFileSync(out, "utf8").trimEnd().split("\n")).toHaveLength(1 + 57 * 2);
    const svg = readFileSync(plot, "utf8");
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain("Utilization vs output channels f");
    expect(svg).toContain("smooth");

    const again = runCli(["sweep", ...family, "--out", out, "--resume", "--json"]);
    expect(JSON.parse(again.stdout).rows).toEqual({
      total: 114,
      resumed: 114,
      costed: 0,
      failed: 0,
    });
    expect(readFileSync(out, "utf8").trimEnd().split("\n")).toHaveLength(1 + 57 * 2);
  });

  it("--plot of whole networks draws the utilization heatmap", () => {
    const plot = join(dir, "heatmap.svg");
    const { status } = runCli([
      "sweep",
      "--nets",
      "resnet18,mobilenetv2",
      "--arrays",
      "16x16,128x64",
      "--plot",
      plot,
    ]);
    expect(status).toBe(0);
    const svg = readFileSync(plot, "utf8");
    expect(svg).toContain("Network utilization over array shapes");
    expect(svg).toContain("mobilenetv2");
  });

  it("--plot of a two-range family draws its utilization heatmap; rows go to Parquet", () => {
    const plot = join(dir, "cf.svg");
    const out = join(dir, "cf.parquet");
    const { status, stderr } = runCli([
      "sweep",
      "--family",
      "conv:k=3,c=8..64:8,f=8..64:8,h=32,w=32",
      "--arrays",
      "32x32,64x64",
      "--out",
      out,
      "--plot",
      plot,
    ]);
    expect(status).toBe(0);
    expect(stderr).toMatch(/^128 rows in/m);
    const svg = readFileSync(plot, "utf8");
    expect(svg).toContain("Utilization over input channels c × output channels f");
    // 8 × 8 cells in each of the two arrays' panels
    expect(svg.match(/aria-roledescription="rect mark"/g) ?? []).toHaveLength(128);
    expect(readFileSync(out).subarray(0, 4).toString()).toBe("PAR1");
  });

  const bad: [string[], RegExp][] = [
    [
      ["--nets", "resnet18", "--model", "tpu"],
      /--model: unknown value "tpu" \(known: systolic, smooth, /,
    ],
    [["--nets", "resnet51"], /--nets: "resnet51" is neither a file nor a zoo network/],
    [
      ["--nets", "resnet18", "--arrays", "128x"],
      /--arrays: expected ROWSxCOLS such as 128x128 \(got "128x"\)/,
    ],
    [
      ["--nets", "resnet18", "--arrays", "0x128"],
      /--arrays, field rows: must be a positive integer/,
    ],
    [["--nets", "resnet18", "--batches", "0"], /--batches: must be a positive integer \(got "0"\)/],
    [["--nets", "resnet18", "--batches", "-4"], /--batches: must be a positive integer/],
    [
      ["--family", "conv:k=3,c=128,f=512..8,h=32,w=32"],
      /--family ".*": f=512..8: range 512..8: need 1 ≤ FROM ≤ TO/,
    ],
    [["--family", "conv:k=3,c=128,h=32,w=32"], /--family ".*": one field must be a range/],
    [["--nets", "resnet18", "--workers", "0"], /--workers: must be a positive integer/],
    [
      ["--nets", "resnet18", "--out", join(dir, "rows.txt")],
      /expected a \.parquet, \.csv or \.jsonl file/,
    ],
    [
      ["--family", "conv:k=1|3,c=8..16,f=8..16,h=4,w=4", "--plot", join(dir, "p.svg")],
      /--plot: family ".*" varies more than two fields/,
    ],
    [["--nets", "resnet18", "--resume"], /--resume needs --out FILE/],
    [["--nets", "resnet18", "--model", "blackbox"], /--model blackbox needs --table FILE/],
    [[], /give --nets, --family and\/or --space/],
  ];
  for (const [args, message] of bad) {
    it(`rejects ${args.join(" ") || "no networks"} with one line on stderr, exit 2`, () => {
      const { status, stdout, stderr } = runCli(["sweep", ...args]);
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(status).toBe(2);
      expect(stdout).toBe("");
    });
  }
});
