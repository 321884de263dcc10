import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import { familyLayer, familyMemberName, parseFamily } from "../../src/sweep/family.js";
import {
  gridIndex,
  gridPoint,
  gridSize,
  networkCount,
  type SweepNetwork,
  type SweepSpec,
  summaryCell,
} from "../../src/sweep/grid.js";
import { formatRow, parseRow, type SweepRow } from "../../src/sweep/rowFormat.js";

const network = fc.oneof(
  fc.constantFrom<SweepNetwork>({ kind: "zoo", name: "resnet18" }, { kind: "file", path: "a.csv" }),
  fc
    .record({
      from: fc.integer({ min: 1, max: 50 }),
      span: fc.integer({ min: 0, max: 300 }),
      step: fc.integer({ min: 1, max: 9 }),
    })
    .map(({ from, span, step }) => ({
      kind: "family" as const,
      family: parseFamily(`conv:k=3,c=${from}..${from + span}:${step},h=4,w=4`),
    })),
);

const spec = fc
  .record({
    networks: fc.array(network, { minLength: 1, maxLength: 4 }),
    arrays: fc.integer({ min: 1, max: 6 }),
    batches: fc.integer({ min: 1, max: 4 }),
  })
  .map(
    ({ networks, arrays, batches }): SweepSpec => ({
      networks,
      arrays: Array.from({ length: arrays }, (_, i) => ({ rows: 8 << i, cols: 8 })),
      batches: Array.from({ length: batches }, (_, i) => i + 1),
      model: "systolic",
      hardware: defaultSimConfig,
    }),
  );

describe("sweep grid", () => {
  it("gridPoint and gridIndex are inverse over the whole index range", () => {
    fc.assert(
      fc.property(
        spec.chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: gridSize(s) - 1 }))),
        ([s, index]) => {
          const point = gridPoint(s, index);
          expect(gridIndex(s, point)).toBe(index);
          expect(point.member).toBeLessThan(networkCount(s.networks[point.network]));
          expect(point.array).toBeLessThan(s.arrays.length);
          expect(point.batch).toBeLessThan(s.batches.length);
        },
      ),
    );
  });

  it("has networks × arrays × batches rows, batch fastest, and one summary cell per network", () => {
    const s: SweepSpec = {
      networks: [
        { kind: "zoo", name: "resnet18" },
        { kind: "family", family: parseFamily("conv:k=3,c=128,f=8..512,h=32,w=32") },
      ],
      arrays: [
        { rows: 128, cols: 128 },
        { rows: 128, cols: 64 },
      ],
      batches: [1, 64],
      model: "systolic",
      hardware: defaultSimConfig,
    };
    expect(gridSize(s)).toBe((1 + 505) * 2 * 2);
    expect(gridPoint(s, 1)).toEqual({ network: 0, member: 0, array: 0, batch: 1 });
    expect(gridPoint(s, 2)).toEqual({ network: 0, member: 0, array: 1, batch: 0 });
    expect(gridPoint(s, 4)).toEqual({ network: 1, member: 0, array: 0, batch: 0 });
    const last = gridPoint(s, gridSize(s) - 1);
    expect(last).toEqual({ network: 1, member: 504, array: 1, batch: 1 });
    expect(summaryCell(s, last)).toBe(summaryCell(s, { ...last, member: 0 }));
    expect(() => gridPoint(s, gridSize(s))).toThrow(RangeError);
  });
});

describe("parseFamily", () => {
  it("sweeps one field: f = 8..512 is 505 one-layer networks named by their values", () => {
    const family = parseFamily("conv:k=3,c=128,f=8..512,h=32,w=32");
    expect(family.count).toBe(505);
    expect(familyMemberName(family, 128)).toBe("conv k=3 c=128 f=136 h=32 w=32");
    expect(familyLayer(family, 128, 4)).toMatchObject({
      type: "conv",
      k1: 3,
      k2: 3,
      c: 128,
      f: 136,
      h: 32,
      w: 32,
      batch: 4,
    });
  });

  it("takes a step, and a dwconv family over c keeps f = c", () => {
    const family = parseFamily("dwconv:k=3,c=16..64:16,h=7,w=7");
    expect(family.count).toBe(4);
    expect(familyLayer(family, 3, 1)).toMatchObject({ c: 64, f: 64 });
  });

  const bad: [string, RegExp][] = [
    ["conv", /expected TYPE:FIELD=VALUE/],
    ["conv:k=3,c=128,h=32,w=32", /one field must be a range/],
    ["conv:c=8..16,f=8..16,h=1,w=1", /only one field may be a range/],
    ["conv:c=16..8,h=1,w=1", /need 1 ≤ FROM ≤ TO/],
    ["conv:c=0..8,h=1,w=1", /need 1 ≤ FROM ≤ TO/],
    ["conv:c=8..16,h=-1,w=1", /h=-1: expected a positive integer/],
    ["conv:c=8..16,q=1,h=1,w=1", /unknown field "q"/],
    ["conv:k=3,k1=3,c=8..16,h=1,w=1", /field k1 is given twice/],
    ["conv:c=8..16,h", /expected FIELD=VALUE/],
    ["conx:c=8..16,h=1,w=1", /unknown layer type "conx"/],
    ["conv:c=8..16,w=1", /field h: must be a positive integer/],
    ["dwconv:c=8..16,f=8,h=1,w=1", /f must equal c/],
  ];
  for (const [text, message] of bad) {
    it(`rejects ${text}`, () => {
      expect(() => parseFamily(text)).toThrow(InputError);
      expect(() => parseFamily(text)).toThrow(message);
    });
  }
});

describe("row format", () => {
  const row: SweepRow = {
    row: 7,
    network: 'odd, "quoted" name.csv',
    arrayRows: 128,
    arrayCols: 64,
    batch: 2,
    model: "systolic",
    macs: 1e9,
    cycles: 12345,
    runtimeMs: 0.012345,
    util: 0.5,
    smoothUtil: null,
  };
  it.each(["csv", "jsonl"] as const)("%s rows read back as written, one line each", (format) => {
    const line = formatRow(format, row);
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    expect(parseRow(format, line.slice(0, -1), "x")).toEqual(row);
    expect(
      parseRow(format, formatRow(format, { ...row, smoothUtil: 0.25 }).trim(), "x").smoothUtil,
    ).toBe(0.25);
  });
});
