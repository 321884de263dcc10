/**
 * `uboost sweep --space`: a published space's architectures as the sweep's networks, checked
 * against `uboost cost --space --arch` (which builds the layers on its own path, row by row).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import { nasbench201 } from "../../src/spaces/nasbench201.js";
import { spaceSize } from "../../src/spaces/space.js";
import { networkName } from "../../src/sweep/grid.js";
import { sampledArchNetworks } from "../../src/sweep/spaceArchs.js";
import { runCli } from "../cli/runCli.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-sweep-space-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cells = [
  "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
  "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|avg_pool_3x3~2|",
  "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|",
];
const arrays = ["32x32", "128x64"];
const imagenet = "ImageNet16-120";

async function parquetQuery(sql: string): Promise<unknown[][]> {
  const connection = await (await DuckDBInstance.create(":memory:")).connect();
  return (await connection.runAndReadAll(sql)).getRows();
}

describe("uboost sweep --space", () => {
  it("costs each architecture string as `cost --space --arch` does, rows named by the string", async () => {
    // a CSV arch column, one string padded and another column beside it
    const archs = join(dir, "archs.csv");
    writeFileSync(archs, `id,arch\n1,${cells[0]}\n2,  ${cells[1]}\n3,${cells[2]}\n`);
    const out = join(dir, "nb201.parquet");
    const sweep = runCli([
      ...["sweep", "--space", "nasbench201", "--archs", archs, "--dataset", imagenet],
      ...["--arrays", arrays.join(","), "--batches", "1,4", "--workers", "2", "--out", out],
    ]);
    expect(sweep.stderr).not.toMatch(/failed/);
    expect(sweep.status).toBe(0);
    const rows = await parquetQuery(
      `SELECT network, "array", batch, cycles, macs FROM read_parquet('${out}') ORDER BY "row"`,
    );
    expect(rows).toHaveLength(cells.length * arrays.length * 2);
    for (const [network, array, batch, cycles, macs] of rows) {
      const cost = runCli([
        ...["cost", "--space", "nasbench201", "--arch", String(network), "--dataset", imagenet],
        ...["--array", String(array), "--batch", String(batch), "--json"],
      ]);
      const { total } = JSON.parse(cost.stdout);
      expect([Number(cycles), Number(macs)]).toEqual([total.cycles, total.macs]);
    }
    expect(rows.map(([network]) => network)).toEqual(
      cells.flatMap((cell) => Array(arrays.length * 2).fill(cell)),
    );
    const [[encodings]] = await parquetQuery(
      `SELECT DISTINCT encodings FROM parquet_metadata('${out}') WHERE path_in_schema = 'network'`,
    );
    expect(String(encodings)).toMatch(/DICTIONARY/);
  });

  it.each([
    [
      "a bad string in a file",
      (file: string) => {
        writeFileSync(file, `${cells[0]}\n\n|nor_conv_3x3~0|+|none~0|\n`);
        return ["--archs", file];
      },
      /^uboost: archs\.txt row 3: "\|nor_conv_3x3~0\|\+\|none~0\|": /,
    ],
    [
      "the same cell twice",
      (file: string) => {
        writeFileSync(file, `${cells[1]}\n${cells[2]}\n ${cells[1]}\n`);
        return ["--archs", file];
      },
      /^uboost: archs\.txt row 3: the architecture of archs\.txt row 1 again$/,
    ],
    [
      "a bad --arch",
      () => ["--arch", cells[0], "--arch", "|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|"],
      /^uboost: --arch 2: /,
    ],
    [
      "two sources",
      () => ["--arch", cells[0], "--samples", "3"],
      /^uboost: --space: give exactly one of --arch, --archs or --samples$/,
    ],
    [
      "more samples than the space holds",
      () => ["--samples", "15626"],
      /^uboost: --samples: nasbench201 holds only 15625 architectures/,
    ],
  ])("%s → one line naming the row, exit 2, nothing written", (_, flags, message) => {
    const out = join(dir, `bad-${Math.random().toString(36).slice(2)}.csv`);
    const args = flags(join(dir, "archs.txt"));
    const { status, stderr } = runCli([
      ...["sweep", "--space", "nasbench201", ...args, "--arrays", "32x32", "--out", out],
    ]);
    expect(stderr.trim()).toMatch(message);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(status).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it("samples distinct architectures by seed, or all of NAS-Bench-201", () => {
    const input = nasbench201.inputs[0];
    const names = (seed: number) =>
      sampledArchNetworks(nasbench201, input, 50, seed).map(networkName);
    expect(new Set(names(7)).size).toBe(50);
    expect(names(7)).toEqual(names(7));
    expect(names(8)).not.toEqual(names(7));
    for (const name of names(7)) expect(nasbench201.print(nasbench201.parse(name))).toBe(name);
    const all = sampledArchNetworks(nasbench201, input, "all", 0).map(networkName);
    expect(new Set(all).size).toBe(spaceSize(nasbench201));
  });
});
