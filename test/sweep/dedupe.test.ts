/**
 * --resume of a file in which some row indices occur twice (two runs that wrote one file at once,
 * before sweeps took a lock): one of each is kept, the file is rewritten without the others, and
 * the summary counts each row once.
 */
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import { parseFamily } from "../../src/sweep/family.js";
import { gridSize, type SweepSpec } from "../../src/sweep/grid.js";
import { runSweep } from "../../src/sweep/run.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-sweep-dedupe-"));
let files = 0;
const outFile = (extension: string) => join(dir, `rows-${++files}.${extension}`);

const spec: SweepSpec = {
  networks: [{ kind: "family", family: parseFamily("conv:k=1|3,c=8..32:8,f=8..24:8,h=7,w=7") }],
  arrays: [
    { rows: 8, cols: 8 },
    { rows: 16, cols: 16 },
  ],
  batches: [1],
  model: "systolic",
  hardware: defaultSimConfig,
};
const total = gridSize(spec);
const options = { workers: 1, chunkRows: 8 };

/** The first field of each data line (the row index), in file order. */
function rowIndices(path: string, format: "csv" | "jsonl"): number[] {
  const lines = readFileSync(path, "utf8").trimEnd().split("\n");
  return format === "csv"
    ? lines.slice(1).map((line) => Number(line.slice(0, line.indexOf(","))))
    : lines.map((line) => JSON.parse(line).row);
}

describe("sweep --resume drops repeated row indices", () => {
  for (const format of ["csv", "jsonl"] as const) {
    it(`${format}: any lines written twice, in any order, are kept once`, async () => {
      const complete = outFile(format);
      const reference = await runSweep(spec, { ...options, out: complete });
      const text = readFileSync(complete, "utf8");
      const header = format === "csv" ? text.slice(0, text.indexOf("\n") + 1) : "";
      const lines = text.slice(header.length).trimEnd().split("\n");
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 0, max: total - 1 }), { minLength: 1, maxLength: 12 }),
          fc.integer({ min: 0, max: total }),
          async (repeats, keepFirst) => {
            // the first `keepFirst` rows, then copies of rows among them and beyond
            const out = outFile(format);
            const kept = lines.slice(0, keepFirst);
            const copies = repeats.filter((i) => i < keepFirst).map((i) => lines[i]);
            const body = [...kept, ...copies, ...kept.slice(0, 2)].map((line) => `${line}\n`);
            writeFileSync(out, header + body.join(""));
            const resumed = await runSweep(spec, { ...options, out, resume: true });
            expect(resumed).toMatchObject({
              resumedRows: keepFirst,
              costedRows: total - keepFirst,
            });
            expect(resumed.summary).toEqual(reference.summary);
            const indices = rowIndices(out, format);
            expect([...indices].sort((a, b) => a - b)).toEqual(
              Array.from({ length: total }, (_, i) => i),
            );
          },
        ),
        { numRuns: 8 },
      );
    });
  }

  it("parquet: a row group written twice is kept once; DuckDB reads every row once", async () => {
    const out = outFile("parquet");
    const reference = await runSweep(spec, { ...options, out });
    // the file as a crash would leave it after a second writer appended a copy of a row group:
    // PAR1, the records, a repeated record, no footer
    const bytes = readFileSync(out);
    const records: Buffer[] = [];
    for (let offset = 4; bytes.toString("latin1", offset, offset + 4) === "UBSW"; ) {
      const length = 12 + bytes.readUInt32LE(offset + 4) + bytes.readUInt32LE(offset + 8);
      records.push(bytes.subarray(offset, offset + length));
      offset += length;
    }
    expect(records.length).toBe(total / options.chunkRows);
    writeFileSync(out, Buffer.concat([bytes.subarray(0, 4), ...records.slice(0, 3)]));
    appendFileSync(out, Buffer.concat([records[1], records[0]]));
    const resumed = await runSweep(spec, { ...options, out, resume: true });
    expect(resumed).toMatchObject({ resumedRows: 3 * 8, costedRows: total - 3 * 8 });
    expect(resumed.summary).toEqual(reference.summary);
    const connection = await (await DuckDBInstance.create(":memory:")).connect();
    const reader = await connection.runAndReadAll(
      `SELECT "row" FROM read_parquet('${out}') ORDER BY "row"`,
    );
    expect(reader.getRows().map(([row]) => Number(row))).toEqual(
      Array.from({ length: total }, (_, i) => i),
    );
  });
});
