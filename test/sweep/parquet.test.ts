/**
 * Parquet output read back by independent readers, DuckDB (@duckdb/node-api) and hyparquet: every
 * row index exactly once, the columns typed, and every value equal to the same sweep's CSV,
 * whichever encoding (PLAIN, RLE_DICTIONARY, DELTA_BINARY_PACKED) a column chunk took.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { parquetReadObjects } from "hyparquet";
import { afterEach, describe, expect, it } from "vitest";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import { fileColumns } from "../../src/sweep/columns.js";
import { parseFamily } from "../../src/sweep/family.js";
import { gridSize, type SweepSpec } from "../../src/sweep/grid.js";
import { parseRow } from "../../src/sweep/rowFormat.js";
import { runSweep } from "../../src/sweep/run.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-sweep-parquet-"));
let files = 0;
const outFile = (extension: string) => join(dir, `rows-${++files}.${extension}`);

/** A whole network beside a two-range family with a list: (1 + 2·4·5) × 2 arrays × 2 batches. */
const spec: SweepSpec = {
  networks: [
    { kind: "zoo", name: "mobilenetv2" },
    { kind: "family", family: parseFamily("conv:k=1|3,c=8..32:8,f=8..40:8,h=7,w=7") },
  ],
  arrays: [
    { rows: 32, cols: 32 },
    { rows: 128, cols: 64 },
  ],
  batches: [1, 8],
  model: "systolic",
  hardware: defaultSimConfig,
};
const total = gridSize(spec);
const options = { workers: 2, chunkRows: 16 };

afterEach(() => {
  delete process.env.UBOOST_SWEEP_CRASH;
});

type Row = Record<string, string | number | null>;

/** Every row DuckDB reads from `path`, in row order, int64 and doubles as JS numbers. */
async function duckdbRows(path: string): Promise<Row[]> {
  const connection = await (await DuckDBInstance.create(":memory:")).connect();
  const reader = await connection.runAndReadAll(
    `SELECT * FROM read_parquet('${path}') ORDER BY "row"`,
  );
  const names = reader.columnNames();
  return reader
    .getRows()
    .map((values) =>
      Object.fromEntries(
        values.map((value, i) => [names[i], typeof value === "bigint" ? Number(value) : value]),
      ),
    ) as Row[];
}

async function duckdbTypes(path: string): Promise<Record<string, string>> {
  const connection = await (await DuckDBInstance.create(":memory:")).connect();
  const reader = await connection.runAndReadAll(
    `SELECT name, type, converted_type FROM parquet_schema('${path}') WHERE type IS NOT NULL`,
  );
  return Object.fromEntries(
    reader
      .getRows()
      .map(([name, type, converted]) => [name, `${type}${converted ? `/${converted}` : ""}`]),
  );
}

async function duckdbEncodings(path: string, column: string): Promise<string[]> {
  const connection = await (await DuckDBInstance.create(":memory:")).connect();
  const reader = await connection.runAndReadAll(
    `SELECT DISTINCT encodings FROM parquet_metadata('${path}') WHERE path_in_schema = '${column}'`,
  );
  return reader.getRows().map(([encodings]) => String(encodings));
}

function csvRows(path: string, of: SweepSpec = spec): Row[] {
  const lines = readFileSync(path, "utf8").trimEnd().split("\n").slice(1);
  const rows = lines.map((line, i) => parseRow("csv", line, fileColumns(of), `line ${i}`));
  return rows.sort((a, b) => (a.row as number) - (b.row as number));
}

function expectEveryRowOnce(rows: Row[]) {
  expect(rows.map((row) => row.row)).toEqual(Array.from({ length: total }, (_, i) => i));
}

describe("sweep to Parquet", () => {
  it("DuckDB reads every row once, typed, with the CSV's values", async () => {
    const parquet = outFile("parquet");
    const csv = outFile("csv");
    const result = await runSweep(spec, { ...options, out: parquet });
    await runSweep(spec, { ...options, out: csv });
    expect(result).toMatchObject({ totalRows: total, costedRows: total, failedRows: 0 });

    const rows = await duckdbRows(parquet);
    expectEveryRowOnce(rows);
    expect(rows).toEqual(csvRows(csv));
    // row groups of 3: the first holds only the whole network's rows, its axes all null
    const small = outFile("parquet");
    await runSweep(spec, { ...options, chunkRows: 3, out: small });
    expect(await duckdbRows(small)).toEqual(rows);
    // the family's axes are columns; a whole network's rows leave them empty
    expect(rows[0]).toMatchObject({ network: "mobilenetv2", k: null, c: null, f: null });
    expect(rows[4]).toMatchObject({
      network: spec.networks[1].kind === "family" ? spec.networks[1].family.label : "",
      k: 1,
      c: 8,
      f: 8,
    });

    expect(await duckdbTypes(parquet)).toEqual({
      row: "INT64",
      network: "BYTE_ARRAY/UTF8",
      array: "BYTE_ARRAY/UTF8",
      rows: "INT64",
      cols: "INT64",
      batch: "INT64",
      model: "BYTE_ARRAY/UTF8",
      k: "INT64",
      c: "INT64",
      f: "INT64",
      macs: "INT64",
      cycles: "INT64",
      runtimeMs: "DOUBLE",
      util: "DOUBLE",
      smoothUtil: "DOUBLE",
    });
    for (const column of ["network", "array", "model"]) {
      for (const encodings of await duckdbEncodings(parquet, column))
        expect(encodings).toContain("RLE_DICTIONARY");
    }
    // row indices step by one: delta-encoded in every row group
    expect(await duckdbEncodings(parquet, "row")).toEqual(["DELTA_BINARY_PACKED"]);
  });

  it("encodes a family's runs as dictionaries and its steps as deltas; DuckDB and hyparquet read the CSV's values", async () => {
    // c is constant for 300 rows at a time, f steps by one, cycles and runtime step with the
    // folds (⌈9c/128⌉·⌈f/128⌉), MACs grow by 9·c·h·w a row
    const family: SweepSpec = {
      networks: [{ kind: "family", family: parseFamily("conv:k=3,c=1..24,f=1..300,h=32,w=32") }],
      arrays: [{ rows: 128, cols: 128 }],
      batches: [1],
      model: "systolic",
      hardware: defaultSimConfig,
    };
    const parquet = outFile("parquet");
    const csv = outFile("csv");
    const familyOptions = { workers: 2, chunkRows: 2048 };
    await runSweep(family, { ...familyOptions, out: parquet });
    await runSweep(family, { ...familyOptions, out: csv });
    const expected = csvRows(csv, family);
    expect(expected.map((row) => row.row)).toEqual(Array.from({ length: 7200 }, (_, i) => i));
    expect(await duckdbRows(parquet)).toEqual(expected);
    const bytes = readFileSync(parquet);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const read = (await parquetReadObjects({ file })).map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([name, value]) => [
          name,
          typeof value === "bigint" ? Number(value) : value,
        ]),
      ),
    );
    expect(read).toEqual(expected);
    const encodings = async (column: string) => (await duckdbEncodings(parquet, column)).sort();
    expect(await encodings("c")).toEqual(["PLAIN, RLE_DICTIONARY"]);
    expect(await encodings("f")).toEqual(["DELTA_BINARY_PACKED"]);
    expect(await encodings("macs")).toEqual(["DELTA_BINARY_PACKED"]);
    expect(await encodings("cycles")).toEqual(["PLAIN, RLE_DICTIONARY"]);
    expect(await encodings("runtimeMs")).toEqual(["PLAIN, RLE_DICTIONARY"]);
    expect(await encodings("util")).toEqual(["PLAIN"]);
    // ~22 bytes a row (util and smoothUtil take 16), where PLAIN numbers took 64
    expect(statSync(parquet).size).toBeLessThan(32 * 7200);
  });

  it("--resume keeps the whole row groups, drops a torn tail, and fills in a failed chunk", async () => {
    const out = outFile("parquet");
    const counter = join(dir, "crash-twice");
    process.env.UBOOST_SWEEP_CRASH = `100:2:${counter}`;
    const first = await runSweep(spec, { ...options, out });
    expect(first.failed).toEqual([{ start: 96, end: 112, error: expect.any(String) }]);
    // the file is complete (a footer) with every row but the failed chunk's
    const written = (await duckdbRows(out)).map((row) => row.row);
    expect(written).toHaveLength(total - 16);
    expect(written).not.toContain(100);

    delete process.env.UBOOST_SWEEP_CRASH;
    const reference = await runSweep(spec, options);
    const resumed = await runSweep(spec, { ...options, out, resume: true });
    expect(resumed).toMatchObject({ resumedRows: total - 16, costedRows: 16, failedRows: 0 });
    expectEveryRowOnce(await duckdbRows(out));
    expect(resumed.summary).toEqual(reference.summary);

    // A crash mid-write: no footer, the last row group cut short.
    const bytes = readFileSync(out);
    const footer = bytes.readUInt32LE(bytes.length - 8);
    expect(bytes.subarray(bytes.length - 4).toString()).toBe("PAR1");
    truncateSync(out, bytes.length - 8 - footer - 50);
    const again = await runSweep(spec, { ...options, out, resume: true });
    expect(again.resumedRows).toBeGreaterThan(0);
    expect(again.resumedRows).toBeLessThan(total);
    expect(again.resumedRows + again.costedRows).toBe(total);
    expectEveryRowOnce(await duckdbRows(out));
    expect(again.summary).toEqual(reference.summary);
  });

  it("refuses to resume another sweep's Parquet file or one uboost did not write", async () => {
    const out = outFile("parquet");
    await runSweep({ ...spec, batches: [1] }, { ...options, out });
    await expect(runSweep(spec, { ...options, out, resume: true })).rejects.toThrow(
      /its rows are from a different sweep \(resume with the same flags\)/,
    );
    const csv = outFile("csv");
    await runSweep(spec, { ...options, out: csv });
    const foreign = outFile("parquet");
    const connection = await (await DuckDBInstance.create(":memory:")).connect();
    await connection.run(`COPY (SELECT 1 AS x) TO '${foreign}' (FORMAT parquet)`);
    await expect(runSweep(spec, { ...options, out: foreign, resume: true })).rejects.toThrow(
      /not a Parquet file written by uboost sweep/,
    );
    expect(statSync(foreign).size).toBeGreaterThan(8);
  });
});

process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
