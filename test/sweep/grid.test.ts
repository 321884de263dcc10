import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import { engineKindOf } from "../../src/layers/layer.js";
import { emptyRowColumns, fileColumns } from "../../src/sweep/columns.js";
import {
  familyEngineMap,
  familyLayer,
  fieldValue,
  parseFamily,
  varyingFields,
} from "../../src/sweep/family.js";
import {
  gridIndex,
  gridPoint,
  gridSize,
  networkCount,
  type SweepNetwork,
  type SweepSpec,
  summaryCell,
} from "../../src/sweep/grid.js";
import { parseRow, textRowWriter } from "../../src/sweep/rowFormat.js";

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
  it("sweeps one field: f = 8..512 is 505 one-layer networks", () => {
    const family = parseFamily("conv:k=3,c=128,f=8..512,h=32,w=32");
    expect(family.count).toBe(505);
    expect(varyingFields(family).map((field) => field.name)).toEqual(["f"]);
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

  it("is the cross product of its ranges and lists, the field written last fastest", () => {
    const family = parseFamily("conv:k=1|3|5,c=8..24:8,f=16|32,h=4,w=4");
    expect(family.count).toBe(3 * 3 * 2);
    const members = Array.from({ length: family.count }, (_, m) => familyLayer(family, m, 1));
    expect(members.map(({ k1, c, f }) => [k1, c, f])).toEqual(
      [1, 3, 5].flatMap((k) => [8, 16, 24].flatMap((c) => [16, 32].map((f) => [k, c, f]))),
    );
    expect(members.every(({ k1, k2 }) => k1 === k2)).toBe(true);
    // items of a list may be ranges
    expect(parseFamily("conv:c=1..3|8,h=1,w=1").fields[0].values).toEqual([1, 2, 3, 8]);
  });

  it("takes a step, and a dwconv family over c keeps f = c", () => {
    const family = parseFamily("dwconv:k=3,c=16..64:16,h=7,w=7");
    expect(family.count).toBe(4);
    expect(familyLayer(family, 3, 1)).toMatchObject({ c: 64, f: 64 });
  });

  it("the engine map a worker fills from gives every member's familyLayer values", () => {
    const specs = fc.record({
      type: fc.constantFrom("conv", "dwconv", "fc", "dws"),
      k: fc.constantFrom("", "k=1|3,", "k1=2..4,k2=3,", "k2=1|5,"),
      c: fc.constantFrom("c=8..40:16", "c=3", "c=4|7"),
      f: fc.constantFrom("", ",f=9..11", ",f=5"),
    });
    fc.assert(
      fc.property(specs, ({ type, k, c, f }) => {
        const text = `${type}:${k}${c}${type === "dwconv" ? "" : f},h=2..3,w=5`;
        const family = parseFamily(text);
        const map = familyEngineMap(family);
        for (let member = 0; member < family.count; member++) {
          const layer = familyLayer(family, member, 1);
          const fields = map.sources.map((from) =>
            from >= 0 ? fieldValue(family, from, member) : -from,
          );
          expect(fields).toEqual([layer.k1, layer.k2, layer.c, layer.f, layer.h, layer.w]);
          expect(map.kind).toBe(engineKindOf[layer.type]);
        }
      }),
      { numRuns: 60 },
    );
  });

  const bad: [string, RegExp][] = [
    ["conv", /expected TYPE:FIELD=VALUE/],
    ["conv:k=3,c=128,h=32,w=32", /one field must be a range/],
    ["conv:c=16..8,h=1,w=1", /need 1 ≤ FROM ≤ TO/],
    ["conv:c=0..8,h=1,w=1", /need 1 ≤ FROM ≤ TO/],
    ["conv:c=8..16,h=-1,w=1", /h=-1: expected a positive integer/],
    [
      "conv:c=8|x,h=1,w=1",
      /c=8\|x: expected a positive integer, a range FROM..TO\[:STEP\] or a list/,
    ],
    ["conv:c=8|8,h=1,w=1", /a value is listed twice/],
    ["conv:c=8..16,q=1,h=1,w=1", /unknown field "q"/],
    ["conv:k=3,k1=3,c=8..16,h=1,w=1", /field k1 is given twice/],
    ["conv:c=8..16,h", /expected FIELD=VALUE/],
    ["conx:c=8..16,h=1,w=1", /unknown layer type "conx"/],
    ["conv:c=8..16,w=1", /field h: missing/],
    ["dwconv:c=8..16,f=8,h=1,w=1", /f must equal c/],
    ["dwconv:c=8|16,f=8|16,h=1,w=1", /f must equal c/],
  ];
  for (const [text, message] of bad) {
    it(`rejects ${text}`, () => {
      expect(() => parseFamily(text)).toThrow(InputError);
      expect(() => parseFamily(text)).toThrow(message);
    });
  }
});

describe("row format", () => {
  const rowSpec: SweepSpec = {
    networks: [
      { kind: "file", path: 'odd, "quoted" namé.csv' },
      { kind: "family", family: parseFamily("conv:c=8..9,f=3|4,h=1,w=1") },
    ],
    arrays: [{ rows: 128, cols: 64 }],
    batches: [2],
    model: "systolic",
    hardware: { ...defaultSimConfig, clockHz: 1e9 },
  };
  const rows = emptyRowColumns(7, 2, 2);
  rows.network.set([0, 1]);
  rows.member.set([0, 3]);
  rows.axes[0].set([Number.NaN, 9]);
  rows.axes[1].set([Number.NaN, 4]);
  rows.macs.set([1e9, 36]);
  rows.cycles.set([1024, 12345]);
  rows.util.set([0.5, 0.1]);
  rows.smoothUtil.set([Number.NaN, 0.25]);

  it.each(["csv", "jsonl"] as const)("%s rows read back as written, one line each", (format) => {
    const text = new TextDecoder().decode(textRowWriter(rowSpec, format)(rows));
    const lines = text.split("\n");
    expect(lines.pop()).toBe("");
    expect(lines).toHaveLength(2);
    const columns = fileColumns(rowSpec);
    const [first, second] = lines.map((line) => parseRow(format, line, columns, "x"));
    expect(first).toEqual({
      row: 7,
      network: 'odd, "quoted" namé.csv',
      array: "128x64",
      rows: 128,
      cols: 64,
      batch: 2,
      model: "systolic",
      c: null,
      f: null,
      macs: 1e9,
      cycles: 1024,
      runtimeMs: 0.001024,
      util: 0.5,
      smoothUtil: null,
    });
    expect(second).toMatchObject({ row: 8, network: "conv:c=8..9,f=3|4,h=1,w=1", c: 9, f: 4 });
    // 1,024 cycles at 1 GHz print as the exact 0.001024 ms, not 0.0010240000000000002
    expect(text).toContain(format === "csv" ? ",1024,0.001024," : '"runtimeMs":0.001024,');
  });
});

describe("row text", () => {
  const spec: SweepSpec = {
    networks: [
      { kind: "zoo", name: "resnet18" },
      { kind: "family", family: parseFamily("conv:c=1..9,f=1..9,h=1,w=1") },
    ],
    arrays: [
      { rows: 32, cols: 32 },
      { rows: 128, cols: 64 },
    ],
    batches: [1],
    model: "systolic",
    hardware: { ...defaultSimConfig, clockHz: 1e9 },
  };
  /** A line as String() writes each value: what the writer's copies and increments must give. */
  const plainLine = (format: "csv" | "jsonl", values: (number | string | null)[]) => {
    const names = fileColumns(spec).map((column) => column.name);
    if (format === "csv") return values.map((value) => value ?? "").join(",");
    return `{${names.map((name, i) => `${JSON.stringify(name)}:${JSON.stringify(values[i])}`).join(",")}}`;
  };
  // values drawn from few choices, so rows repeat the row before's fields and cycles
  const row = fc.record({
    family: fc.boolean(),
    array: fc.integer({ min: 0, max: 1 }),
    c: fc.integer({ min: 1, max: 3 }),
    f: fc.integer({ min: 1, max: 2 }),
    macs: fc.integer({ min: 0, max: 2 ** 40 }),
    cycles: fc.constantFrom(0, 7, 1024, 1e6 + 1),
    util: fc.double({ min: 0, max: 1, noNaN: true }),
    smoothUtil: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: Number.NaN }),
  });

  it.each(["csv", "jsonl"] as const)(
    "%s: every line as String() writes its values, rows across 9s and 99s",
    (format) => {
      const write = textRowWriter(spec, format);
      fc.assert(
        fc.property(
          fc.constantFrom(0, 7, 95, 998, 99_990),
          fc.array(row, { minLength: 1, maxLength: 40 }),
          (start, drawn) => {
            const rows = emptyRowColumns(start, drawn.length, 2);
            drawn.forEach((r, i) => {
              rows.network[i] = r.family ? 1 : 0;
              rows.array[i] = r.array;
              rows.axes[0][i] = r.family ? r.c : Number.NaN;
              rows.axes[1][i] = r.family ? r.f : Number.NaN;
              rows.macs[i] = r.macs;
              rows.cycles[i] = r.cycles;
              rows.util[i] = r.util;
              rows.smoothUtil[i] = r.smoothUtil;
            });
            const lines = new TextDecoder().decode(write(rows)).split("\n");
            expect(lines.pop()).toBe("");
            lines.forEach((line, i) => {
              const r = drawn[i];
              const shape = spec.arrays[r.array];
              const network = r.family ? "conv:c=1..9,f=1..9,h=1,w=1" : "resnet18";
              expect(line).toBe(
                plainLine(format, [
                  start + i,
                  format === "csv" && r.family ? `"${network}"` : network,
                  `${shape.rows}x${shape.cols}`,
                  shape.rows,
                  shape.cols,
                  1,
                  "systolic",
                  r.family ? r.c : null,
                  r.family ? r.f : null,
                  r.macs,
                  r.cycles,
                  r.cycles / 1e6,
                  r.util,
                  Number.isNaN(r.smoothUtil) ? null : r.smoothUtil,
                ]),
              );
            });
          },
        ),
      );
    },
  );
});
