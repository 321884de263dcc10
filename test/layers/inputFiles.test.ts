import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { printableLine } from "../../src/cli/run.js";
import { InputError } from "../../src/errors.js";
import { integerOfText } from "../../src/integerText.js";
import { readLayersFile } from "../../src/layers/readLayers.js";
import { readLatenciesFile } from "../../src/proxy/latenciesFile.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-input-files-"));
let written = 0;
function file(name: string, contents: string | Uint8Array): string {
  const path = join(dir, `${written++}-${name}`);
  writeFileSync(path, contents);
  return path;
}

const layersCsv = "name,type,k1,k2,c,f,h,w\nstem,conv,3,3,3,64,32,32\nhead,fc,,,64,10,,\n";
const latencyRows = Array.from({ length: 12 }, (_, i) => `net${i},${1 + i},${2 + ((i * 5) % 12)}`);
const latenciesCsv = `arch,cpu,gpu\n${latencyRows.join("\n")}\n`;
const spreadsheet = (text: string) => `\uFEFF${text.replace(/\n/g, "\r\n")}`;

describe("files exported by spreadsheets (UTF-8 byte-order mark, CRLF)", () => {
  it("read as the same layers", () => {
    const plain = readLayersFile(file("plain.csv", layersCsv), 1);
    expect(readLayersFile(file("excel.csv", spreadsheet(layersCsv)), 1)).toEqual(plain);
    const json = JSON.stringify([{ name: "a", type: "conv", c: 3, h: 4, w: 4 }]);
    expect(readLayersFile(file("bom.json", `\uFEFF${json}`), 1)).toHaveLength(1);
  });
  it("read as the same latencies", () => {
    const plain = readLatenciesFile(file("plain.csv", latenciesCsv));
    expect(readLatenciesFile(file("excel.csv", spreadsheet(latenciesCsv)))).toEqual(plain);
  });
  it("fc layers default h = w = 1; a missing field says missing", () => {
    const [, head] = readLayersFile(file("fc.csv", layersCsv), 1);
    expect(head).toMatchObject({ type: "fc", h: 1, w: 1 });
    const noHeight = file("noh.csv", "name,type,c,f,w\na,conv,3,8,4\n");
    expect(() => readLayersFile(noHeight, 1)).toThrow(/noh\.csv row 1, field h: missing$/);
  });
});

describe("integers in plain or exponent form", () => {
  it("read the same in a layer file: c = 1e12 is 10¹², 3.0 and 1e-3 are not integers", () => {
    const path = file("exp.csv", "name,type,c,f,h,w\nbig,conv,1e12,2.5e1,4,4\n");
    expect(readLayersFile(path, 1)[0]).toMatchObject({ c: 1e12, f: 25 });
    for (const cell of ["3.0", "1e-3", "2.5e0", "0x10", "1e400"]) {
      const bad = file("bad.csv", `name,type,c,f,h,w\nx,conv,${cell},8,4,4\n`);
      expect(() => readLayersFile(bad, 1)).toThrow(
        `field c: must be a positive integer (got "${cell}")`,
      );
    }
  });
  it("every safe integer reads back from its digits and its exponent form", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect(integerOfText(String(n))).toBe(n);
        expect(integerOfText(n.toExponential())).toBe(n);
      }),
    );
  });
});

describe("error lines", () => {
  it("show control characters as \\xNN, invalid UTF-8 as ?, on one line", () => {
    expect(printableLine("bad \u001b[31mred\u0007\nnext")).toBe("bad \\x1b[31mred\\x07 next");
    expect(printableLine("type \uFFFD\uFFFD\u202Eevil")).toBe("type ???evil");
    expect(printableLine("x".repeat(1000))).toBe(`${"x".repeat(400)}…`);
  });
});

/** Either the file reads, or the error is an InputError whose line prints cleanly. */
function readsOrRefuses(read: () => unknown): void {
  try {
    read();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const line = printableLine(error.message);
    expect(line).not.toMatch(/[\p{Cc}\uFFFD]/u);
    expect(line.length).toBeLessThanOrEqual(401);
  }
}

describe("fuzz: random bytes and random field values", () => {
  const bytes = fc.uint8Array({ minLength: 0, maxLength: 400 });
  // mostly valid files with one field replaced by anything: text, numbers, control characters
  const anyField = fc.oneof(
    fc.string({ unit: "binary", maxLength: 12 }),
    fc.double().map(String),
    fc.integer().map(String),
    fc.constantFrom("", "1e12", "-8", "NaN", "Infinity", "0x10", '"', ",", "\n", "#"),
  );

  it("the layer-file reader reads or refuses with an InputError, never throws anything else", () => {
    fc.assert(
      fc.property(bytes, (data) => readsOrRefuses(() => readLayersFile(file("r.csv", data), 1))),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(bytes, (data) => readsOrRefuses(() => readLayersFile(file("r.json", data), 1))),
      { numRuns: 100 },
    );
    const cells = layersCsv.split(/([,\n])/);
    fc.assert(
      fc.property(fc.nat(cells.length - 1), anyField, (at, value) => {
        const text = cells.map((cell, i) => (i === at ? value : cell)).join("");
        readsOrRefuses(() => readLayersFile(file("f.csv", text), 1));
      }),
      { numRuns: 300 },
    );
  });

  it("the latency-file reader reads or refuses with an InputError, never throws anything else", () => {
    fc.assert(
      fc.property(bytes, (data) => readsOrRefuses(() => readLatenciesFile(file("r.csv", data)))),
      { numRuns: 300 },
    );
    const cells = latenciesCsv.split(/([,\n])/);
    fc.assert(
      fc.property(fc.nat(cells.length - 1), anyField, (at, value) => {
        const text = cells.map((cell, i) => (i === at ? value : cell)).join("");
        readsOrRefuses(() => readLatenciesFile(file("f.csv", text)));
      }),
      { numRuns: 300 },
    );
  });
});
