import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { readLayersFile } from "../../src/layers/readLayers.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-layers-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("readLayersFile", () => {
  it("reads CSV with defaults for k1, k2, stride, dilation, f (dwconv) and batch", () => {
    const path = file(
      "ok.csv",
      "name,type,k1,k2,c,f,h,w\nstem,conv,3,3,3,64,32,32\ndw,dwconv,3,3,64,,16,16\n",
    );
    const [stem, dw] = readLayersFile(path, 8);
    expect(stem).toEqual({
      name: "stem",
      type: "conv",
      k1: 3,
      k2: 3,
      c: 3,
      f: 64,
      h: 32,
      w: 32,
      stride: 1,
      dilation: 1,
      batch: 8,
    });
    expect(dw.f).toBe(64);
    expect(dw.batch).toBe(8);
  });
  it("reads a JSON array with the same fields", () => {
    const path = file(
      "ok.json",
      JSON.stringify([{ name: "fc", type: "fc", c: 512, f: 10, h: 1, w: 1, batch: 4 }]),
    );
    expect(readLayersFile(path, 1)[0]).toMatchObject({
      type: "fc",
      k1: 1,
      c: 512,
      f: 10,
      batch: 4,
    });
  });

  const bad: [string, string, RegExp][] = [
    [
      "neg.csv",
      "type,c,h,w\nconv,-3,4,4\n",
      /neg\.csv row 1, field c: must be a positive integer \(got "-3"\)/,
    ],
    ["frac.csv", "type,c,h,w\nconv,3,4,4\nconv,3.5,4,4\n", /row 2, field c/],
    ["zero.csv", "type,c,h,w\nconv,3,0,4\n", /row 1, field h/],
    ["nan.csv", "type,c,h,w\nconv,NaN,4,4\n", /field c: .*"NaN"/],
    ["type.csv", "type,c,h,w\ncnov,3,4,4\n", /row 1, field type: unknown layer type "cnov"/],
    ["col.csv", "type,c,h,w,chanels\nconv,3,4,4,5\n", /field chanels: unknown column/],
    ["ragged.csv", "type,c,h,w\nconv,3,4\n", /ragged\.csv: malformed CSV/],
    ["bad.json", '[{"type": "conv",', /bad\.json: malformed JSON/],
    ["obj.json", '{"type": "conv"}', /expected a JSON array/],
    ["nanj.json", '[{"type": "conv", "c": null, "h": 1, "w": 1}]', /row 1, field c/],
    ["dw.csv", "type,c,f,h,w\ndwconv,8,16,4,4\n", /field f: a dwconv keeps its channels/],
    ["empty.csv", "type,c,h,w\n", /empty\.csv: no layers/],
  ];
  for (const [name, text, message] of bad) {
    it(`rejects ${name} with a message naming the row and field`, () => {
      const path = file(name, text);
      expect(() => readLayersFile(path, 1)).toThrow(InputError);
      expect(() => readLayersFile(path, 1)).toThrow(message);
    });
  }
  it("names a missing file", () => {
    expect(() => readLayersFile(join(dir, "missing.csv"), 1)).toThrow(
      /missing\.csv: cannot read \(no such file\)/,
    );
  });
});
