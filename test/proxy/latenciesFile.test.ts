import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { readLatenciesFile } from "../../src/proxy/latenciesFile.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-latencies-"));
const rows = (count: number, row: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => row(i)).join("\n");

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const good = file(
  "good.csv",
  `arch,cpu,gpu,accuracy\n${rows(12, (i) => `net${i},${1 + i},${2 + ((i * 5) % 12)},${0.9 - i / 100}`)}\n`,
);

describe("latencies CSV", () => {
  it("reads devices from the header and the accuracy column as the score", () => {
    const measured = readLatenciesFile(good);
    expect(measured.devices).toEqual(["cpu", "gpu"]);
    expect(measured.ids[3]).toBe("net3");
    expect(measured.columns[1][3]).toBe(5);
    expect(measured.score?.column).toBe("accuracy");
    expect(measured.score?.values[2]).toBeCloseTo(0.88, 12);
  });

  it("takes another score column by name, and reads accuracy as a device then", () => {
    const measured = readLatenciesFile(good, "gpu");
    expect(measured.devices).toEqual(["cpu", "accuracy"]);
    expect(measured.score?.column).toBe("gpu");
  });

  const cases: [string, string, RegExp][] = [
    ["empty.csv", "", /empty file/],
    ["one-device.csv", `arch,cpu\n${rows(12, (i) => `n${i},${i + 1}`)}`, /at least 2 device/],
    [
      "short.csv",
      `arch,cpu,gpu\n${rows(9, (i) => `n${i},1,2`)}`,
      /at least 10 architecture rows \(found 9\)/,
    ],
    [
      "text.csv",
      `arch,cpu,gpu\n${rows(12, (i) => `n${i},${i === 4 ? "fast" : 1},2`)}`,
      /text\.csv row 5, field cpu: not a number \(got "fast"\)/,
    ],
    [
      "nan.csv",
      `arch,cpu,gpu\n${rows(12, (i) => `n${i},1,${i === 2 ? "NaN" : 2}`)}`,
      /nan\.csv row 3, field gpu: not a number/,
    ],
    [
      "negative.csv",
      `arch,cpu,gpu\n${rows(12, (i) => `n${i},${i === 0 ? -1 : 1},2`)}`,
      /row 1, field cpu: a latency must be positive/,
    ],
    [
      "missing.csv",
      `arch,cpu,gpu\n${rows(12, (i) => `n${i},1,${i === 7 ? "" : 2}`)}`,
      /row 8, field gpu: missing value/,
    ],
    [
      "ragged.csv",
      `arch,cpu,gpu\n${rows(12, (i) => (i === 6 ? `n${i},1` : `n${i},1,2`))}`,
      /row 7: expected 3 values/,
    ],
    [
      "twice.csv",
      `arch,cpu,gpu\n${rows(12, (i) => `n${i % 11},1,2`)}`,
      /row 12, field arch: "n0" repeats row 1/,
    ],
    [
      "dup.csv",
      `arch,cpu,cpu\n${rows(12, (i) => `n${i},1,2`)}`,
      /header column 3: "cpu" repeats column 2/,
    ],
  ];
  for (const [name, text, message] of cases) {
    it(`refuses ${name} with the file, row and column`, () => {
      const path = file(name, text);
      expect(() => readLatenciesFile(path)).toThrow(InputError);
      expect(() => readLatenciesFile(path)).toThrow(message);
    });
  }

  it("names a missing score column and a missing file", () => {
    expect(() => readLatenciesFile(good, "top1")).toThrow(/no score column "top1"/);
    expect(() => readLatenciesFile(join(dir, "none.csv"))).toThrow(/none\.csv: cannot read/);
  });
});
