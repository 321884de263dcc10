/**
 * Batched costing (one engine call a chunk, grid columns filled by runs) against the row-by-row
 * path through the model's estimate() and networkTotal, and the grid columns against gridPoint
 * and fieldValue, over random families, array and batch counts, models and chunks.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { costModelByName, modelContext } from "../../src/hw/models/index.js";
import { defaultSimConfig } from "../../src/hw/simulator/config.js";
import { sweepAxes } from "../../src/sweep/columns.js";
import { costRows, rowCoster } from "../../src/sweep/costRows.js";
import { fieldValue, parseFamily } from "../../src/sweep/family.js";
import { gridPoint, gridSize, type SweepSpec } from "../../src/sweep/grid.js";

const families = fc.constantFrom(
  "conv:k=3,c=1..12,f=1..40,h=8,w=8",
  "conv:k=1|3,c=8..32:8,f=8..40:8,h=7,w=7",
  "conv:k=3,c=16,f=1..70,h=14,w=14",
  "dwconv:k=3,c=8..64:8,h=14,w=14",
  "conv:k=1..3,c=4|8,f=3..9,h=2|4,w=4",
);

const specs = fc
  .record({
    family: families,
    withNetwork: fc.boolean(),
    arrays: fc.constantFrom<number[][]>(
      [[128, 128]],
      [[32, 32]],
      [
        [32, 32],
        [128, 64],
      ],
    ),
    batches: fc.constantFrom<number[]>([1], [8], [1, 8]),
    model: fc.constantFrom("systolic", "smooth", "pipelined"),
  })
  .map(
    ({ family, withNetwork, arrays, batches, model }): SweepSpec => ({
      networks: [
        ...(withNetwork ? [{ kind: "zoo" as const, name: "mobilenetv2" }] : []),
        { kind: "family", family: parseFamily(family) },
      ],
      arrays: arrays.map(([rows, cols]) => ({ rows, cols })),
      batches,
      model,
      hardware: defaultSimConfig,
    }),
  );

describe("costRows", () => {
  it("gives each row the grid's point and family values and the model's row-by-row totals", () => {
    fc.assert(
      fc.property(specs, fc.nat(), fc.nat(), fc.nat({ max: 3 }), (spec, at, length, chunks) => {
        const total = gridSize(spec);
        const model = costModelByName(spec.model);
        const batched = rowCoster(spec, model, modelContext());
        const byRow = rowCoster(spec, { ...model, engine: undefined }, modelContext());
        const axes = sweepAxes(spec);
        // a few consecutive chunks through one coster, as a worker reuses its buffers
        for (let chunk = 0, start = at % total; chunk <= chunks && start < total; chunk++) {
          const count = 1 + ((length + 37 * chunk) % Math.min(300, total - start));
          const rows = costRows(batched, start, count);
          for (let i = 0; i < count; i++) {
            const point = gridPoint(spec, start + i);
            expect([rows.network[i], rows.member[i], rows.array[i], rows.batch[i]]).toEqual([
              point.network,
              point.member,
              point.array,
              point.batch,
            ]);
            const network = spec.networks[point.network];
            axes.forEach((axis, a) => {
              const field =
                network.kind === "family"
                  ? network.family.fields.findIndex((f) => f.name === axis)
                  : -1;
              const want =
                network.kind === "family" && field >= 0
                  ? fieldValue(network.family, field, point.member)
                  : Number.NaN;
              expect(rows.axes[a][i]).toBe(want);
            });
          }
          const copy = {
            macs: Array.from(rows.macs),
            cycles: Array.from(rows.cycles),
            util: Array.from(rows.util),
            smoothUtil: Array.from(rows.smoothUtil),
          };
          const reference = costRows(byRow, start, count);
          expect(copy.macs).toEqual(Array.from(reference.macs));
          expect(copy.cycles).toEqual(Array.from(reference.cycles));
          copy.util.forEach((util, i) => {
            expect(util).toBeCloseTo(reference.util[i], 12);
            expect(copy.smoothUtil[i]).toBeCloseTo(reference.smoothUtil[i], 12);
          });
          start += count;
        }
      }),
      { numRuns: 60 },
    );
  });
});
