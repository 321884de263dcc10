import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { referenceLayerCost } from "../../src/engine/reference.js";
import { authorsSmoothCeil } from "../../src/engine/smoothCeilParams.js";
import { InputError } from "../../src/errors.js";
import { defaultSimConfig, type SimConfig } from "../../src/hw/simulator/config.js";
import { gemmsOf } from "../../src/hw/simulator/gemm.js";
import {
  type PeBreakdown,
  simulateLayer,
  simulateNetwork,
} from "../../src/hw/simulator/simulate.js";
import {
  engineKindOf,
  type Layer,
  type LayerTypeName,
  layerTypeNames,
} from "../../src/layers/layer.js";
import { zooNetwork } from "../../src/zoo/index.js";
import { simulateFoldByFold } from "./foldByFold.js";
import { naiveProduct, runWeightStationary } from "./registerLevel.js";

function layerOf(type: LayerTypeName, fields: Partial<Layer> = {}): Layer {
  const base = { k1: 1, k2: 1, c: 1, f: 1, h: 1, w: 1, stride: 1, dilation: 1, batch: 1 };
  return { name: type, type, ...base, ...fields };
}

/** An array with SRAM and bandwidth that never stall it: cycles are compute cycles. */
function unlimited(arrayRows: number, arrayCols: number): SimConfig {
  const memory = { sramBytes: Infinity, bandwidthBytesPerSec: Infinity };
  return { ...defaultSimConfig, arrayRows, arrayCols, ...memory };
}

/**
 * SCALE-Sim v2's weight-stationary compute cycles for one GEMM run, in closed form, derived from
 * its demand matrices (scalesim/compute/systolic_compute_ws.py, github.com/ARM-software/
 * scale-sim-v2, now scalesim-project/scale-sim-v2). Its ifmap operand matrix is T × Sr with
 * T = output pixels (of all b images here) and Sr = k1·k2·c, its filter matrix Sr × Sc with
 * Sc = filters; Sr is tiled on the R array rows and Sc on the C array columns. Its memory model
 * services one demand-matrix row per cycle, and per fold (filter demand: R rows of weight load,
 * then R + C + T - 2 idle rows while inputs stream; ifmap demand: R idle rows, T rows, C - 1
 * drain rows, skewed over R rows) that is
 *
 *   2R + C + T - 2 rows, folds concatenated without overlap, ⌈Sr/R⌉·⌈Sc/C⌉ folds.
 *
 * With no stalls SCALE-Sim prints the index of the last row, i.e. one less per run.
 */
function scaleSimWsComputeCycles(t: number, sr: number, sc: number, rows: number, cols: number) {
  return Math.ceil(sr / rows) * Math.ceil(sc / cols) * (2 * rows + cols + t - 2);
}

/** The SCALE-Sim runs a layer needs (T, Sr, Sc, runs): depthwise runs once per channel. */
function scaleSimRuns(layer: Layer): [number, number, number, number][] {
  const { k1, k2, c, f, h, w, batch } = layer;
  const pixels = h * w * batch;
  switch (layer.type) {
    case "conv":
    case "dilconv":
      return [[pixels, k1 * k2 * c, f, 1]];
    case "fc":
      return [[batch, c, f, 1]];
    case "dwconv":
      return [[pixels, k1 * k2, 1, c]];
    case "dws":
      return [
        [pixels, k1 * k2, 1, c],
        [pixels, c, f, 1],
      ];
    default:
      return [];
  }
}

function scaleSimLayerCycles(layer: Layer, rows: number, cols: number, printed = false): number {
  let cycles = 0;
  for (const [t, sr, sc, runs] of scaleSimRuns(layer)) {
    cycles += runs * (scaleSimWsComputeCycles(t, sr, sc, rows, cols) - (printed ? 1 : 0));
  }
  return cycles;
}

const partsOf = (b: PeBreakdown) =>
  [b.active, b.rowPadding, b.colPadding, b.fillDrain, b.weightLoad, b.memoryStall] as const;

describe("CONV-to-GEMM mapping", () => {
  it("conv: M = h·w·b rows, K = k1·k2·c deep, N = f wide; input from the unpadded extent", () => {
    const conv = layerOf("conv", { k1: 3, k2: 3, c: 8, f: 16, h: 5, w: 4, stride: 2, batch: 2 });
    // input: (5-1)·2 + 3 = 11 rows, (4-1)·2 + 3 = 9 columns, 8 channels, 2 images
    expect(gemmsOf(conv)).toEqual([
      { streamRows: 40, depth: 72, width: 16, count: 1, inputElems: 11 * 9 * 8 * 2 },
    ]);
  });
  it("dilation widens the input window, not the GEMM", () => {
    const dil = layerOf("dilconv", { k1: 3, k2: 3, c: 4, f: 4, h: 6, w: 6, dilation: 2 });
    // (6-1)·1 + (3-1)·2 + 1 = 10
    expect(gemmsOf(dil)[0]).toMatchObject({ depth: 36, inputElems: 10 * 10 * 4 });
  });
  it("dwconv is c one-column GEMMs; dws adds the 1×1 conv c → f", () => {
    const dw = layerOf("dws", { k1: 3, k2: 3, c: 32, f: 64, h: 7, w: 7 });
    expect(gemmsOf(dw)).toEqual([
      { streamRows: 49, depth: 9, width: 1, count: 32, inputElems: 81 },
      { streamRows: 49, depth: 32, width: 64, count: 1, inputElems: 49 * 32 },
    ]);
  });
  it("fc streams one row per image; free layers run nothing", () => {
    expect(gemmsOf(layerOf("fc", { c: 512, f: 1000, batch: 8 }))).toEqual([
      { streamRows: 8, depth: 512, width: 1000, count: 1, inputElems: 4096 },
    ]);
    for (const type of ["pool", "identity", "zero", "add", "bn", "relu"] as const) {
      expect(
        simulateLayer(layerOf(type, { c: 64, f: 64, h: 56, w: 56 }), defaultSimConfig),
      ).toEqual({
        macs: 0,
        cycles: 0,
        computeCycles: 0,
        util: 1,
        breakdown: {
          active: 0,
          rowPadding: 0,
          colPadding: 0,
          fillDrain: 0,
          weightLoad: 0,
          memoryStall: 0,
        },
      });
    }
  });
});

describe("compute cycles, hand-computed", () => {
  it("per fold: R weight-load + (R-1) + (C-1) fill/drain + M streaming cycles", () => {
    // ResNet 3×3, 64 → 64 at 56×56 on 128×128: K = 576 → 5 row folds, N = 64 → 1 column fold.
    // Each fold: 128 + 127 + 127 + 3136 = 3518 cycles; 5 folds = 17590.
    const conv = layerOf("conv", { k1: 3, k2: 3, c: 64, f: 64, h: 56, w: 56 });
    const sim = simulateLayer(conv, unlimited(128, 128));
    expect(sim.computeCycles).toBe(17590);
    expect(sim.cycles).toBe(17590);
    // PE-cycles: weight load 5·128·16384; fill/drain 5·254·16384; the last fold uses
    // 576 - 4·128 = 64 rows, so 64 idle rows × 128 cols × 3136; every fold leaves 64 columns idle.
    expect(sim.breakdown).toEqual({
      active: 3136 * 576 * 64,
      rowPadding: 64 * 128 * 3136,
      colPadding: 576 * 64 * 3136,
      fillDrain: 5 * 254 * 16384,
      weightLoad: 5 * 128 * 16384,
      memoryStall: 0,
    });
  });
  it("depthwise: c folds per ⌈k1k2/R⌉, one column each", () => {
    // 3×3 depthwise, c = 32, 7×7 output on 4×3: ⌈9/4⌉ = 3 row folds per channel, 96 folds,
    // each 2·4 + 3 + 49 - 2 = 58 cycles → 5568.
    const dw = layerOf("dwconv", { k1: 3, k2: 3, c: 32, f: 32, h: 7, w: 7 });
    expect(simulateLayer(dw, unlimited(4, 3)).computeCycles).toBe(5568);
  });
});

const layerArb = fc
  .record({
    type: fc.constantFrom(...layerTypeNames),
    k1: fc.integer({ min: 1, max: 5 }),
    k2: fc.integer({ min: 1, max: 5 }),
    c: fc.integer({ min: 1, max: 48 }),
    f: fc.integer({ min: 1, max: 48 }),
    h: fc.integer({ min: 1, max: 16 }),
    w: fc.integer({ min: 1, max: 16 }),
    stride: fc.integer({ min: 1, max: 2 }),
    dilation: fc.integer({ min: 1, max: 2 }),
    batch: fc.integer({ min: 1, max: 4 }),
  })
  .map((l): Layer => ({ ...l, name: "random", f: l.type === "dwconv" ? l.c : l.f }));

const arraySide = fc.oneof(fc.constantFrom(1, 3, 7, 128), fc.integer({ min: 1, max: 40 }));
const configArb = fc.record({
  arrayRows: arraySide,
  arrayCols: arraySide,
  sramBytes: fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 2_000_000 })),
  bandwidthBytesPerSec: fc.oneof(fc.constant(Infinity), fc.integer({ min: 1e8, max: 2e11 })),
  clockHz: fc.constantFrom(1e9, 7e8),
  bytesPerOperand: fc.constantFrom(1, 2, 4),
});

describe("invariants over random layers and arrays", () => {
  it("the PE-cycle breakdown adds up exactly to cycles · rows · cols", () => {
    fc.assert(
      fc.property(layerArb, configArb, (layer, config) => {
        const sim = simulateLayer(layer, config);
        const parts = partsOf(sim.breakdown);
        expect(parts.every((p) => Number.isSafeInteger(p) && p >= 0)).toBe(true);
        const total = parts.reduce((a, b) => a + b, 0);
        expect(total).toBe(sim.cycles * config.arrayRows * config.arrayCols);
        expect(sim.breakdown.active).toBe(sim.macs);
        expect(sim.cycles).toBeGreaterThanOrEqual(sim.computeCycles);
        expect(sim.util).toBeLessThanOrEqual(1);
      }),
      { numRuns: 400 },
    );
  });
  it("unlimited SRAM and bandwidth leave pure compute cycles, never fewer than the paper's", () => {
    fc.assert(
      fc.property(layerArb, arraySide, arraySide, (layer, rows, cols) => {
        const sim = simulateLayer(layer, unlimited(rows, cols));
        expect(sim.cycles).toBe(sim.computeCycles);
        expect(sim.breakdown.memoryStall).toBe(0);
        expect(sim.computeCycles).toBe(scaleSimLayerCycles(layer, rows, cols));
        const row = { ...layer, kind: engineKindOf[layer.type], arrayRows: rows, arrayCols: cols };
        const paper = referenceLayerCost(row, authorsSmoothCeil);
        expect(sim.computeCycles).toBeGreaterThanOrEqual(paper.cycles);
      }),
      { numRuns: 300 },
    );
  });
});

describe("fold runs counted in O(1), not walked", () => {
  // small arrays and slow ports: many folds, most of them memory-bound, ±1 input slices
  const foldHeavy = fc.record({
    arrayRows: fc.integer({ min: 1, max: 9 }),
    arrayCols: fc.integer({ min: 1, max: 9 }),
    sramBytes: fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 200_000 })),
    bandwidthBytesPerSec: fc.oneof(fc.constant(Infinity), fc.integer({ min: 1e7, max: 2e11 })),
    clockHz: fc.constantFrom(1e9, 7e8),
    bytesPerOperand: fc.constantFrom(1, 2, 4),
  });
  it("gives exactly the cycles, stalls and breakdown of the fold-by-fold walk", () => {
    fc.assert(
      fc.property(layerArb, fc.oneof(configArb, foldHeavy), (layer, config) => {
        const walked = simulateFoldByFold(layer, config);
        const counted = simulateLayer(layer, config);
        expect(counted.computeCycles).toBe(walked.computeCycles);
        expect(counted.cycles).toBe(walked.cycles);
        expect(counted.breakdown).toEqual(walked.breakdown);
      }),
      { numRuns: 1000 },
    );
  });
  it("c = f = 10⁷ on 8×8 (1.6·10¹² folds) in closed form", () => {
    const layer = layerOf("conv", { c: 1e7, f: 1e7 });
    const sim = simulateLayer(layer, { ...defaultSimConfig, arrayRows: 8, arrayCols: 8 });
    const folds = (1e7 / 8) ** 2;
    expect(sim.computeCycles).toBe(folds * (2 * 8 + 8 - 2 + 1));
    expect(sim.breakdown.active).toBe(1e14);
    const parts = partsOf(sim.breakdown).reduce((a, b) => a + b, 0);
    expect(parts).toBe(sim.cycles * 64);
  });
});

describe("fidelity: SCALE-Sim v2 weight-stationary compute cycles", () => {
  const arrays = [
    [128, 128],
    [32, 32],
    [128, 64],
  ] as const;
  it("agrees per layer within 1% on every zoo network (exact in fact)", () => {
    let maxDeviation = 0;
    let maxPrintedDeviation = 0;
    for (const name of ["resnet18", "resnet50", "vgg16", "mobilenetv2"]) {
      for (const batch of [1, 64]) {
        const layers = zooNetwork(name, batch);
        for (const [rows, cols] of arrays) {
          const sims = simulateNetwork(layers, unlimited(rows, cols)).layers;
          for (const [i, layer] of layers.entries()) {
            const want = scaleSimLayerCycles(layer, rows, cols);
            if (want === 0) {
              expect(sims[i].computeCycles).toBe(0);
              continue;
            }
            const deviation = Math.abs(sims[i].computeCycles / want - 1);
            expect(deviation, `${name} b${batch} ${rows}x${cols} ${layer.name}`).toBeLessThan(0.01);
            maxDeviation = Math.max(maxDeviation, deviation);
            // SCALE-Sim's printed total is one cycle less per run (the last row's index).
            const printed = scaleSimLayerCycles(layer, rows, cols, true);
            maxPrintedDeviation = Math.max(
              maxPrintedDeviation,
              sims[i].computeCycles / printed - 1,
            );
          }
        }
      }
    }
    expect(maxDeviation).toBe(0);
    expect(maxPrintedDeviation).toBeLessThan(0.01);
  });
});

describe("register-level array (cycle-level ground truth)", () => {
  const matrix = (rows: number, cols: number) =>
    fc.array(
      fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: cols, maxLength: cols }),
      {
        minLength: rows,
        maxLength: rows,
      },
    );
  const gemmArb = fc
    .record({
      m: fc.integer({ min: 1, max: 12 }),
      k: fc.integer({ min: 1, max: 12 }),
      n: fc.integer({ min: 1, max: 12 }),
      rows: fc.integer({ min: 1, max: 6 }),
      cols: fc.integer({ min: 1, max: 5 }),
    })
    .chain((s) => fc.record({ shape: fc.constant(s), x: matrix(s.m, s.k), w: matrix(s.k, s.n) }));

  it("computes X·W and takes exactly the simulator's compute cycles", () => {
    fc.assert(
      fc.property(gemmArb, ({ shape, x, w }) => {
        const run = runWeightStationary(x, w, shape.rows, shape.cols);
        const want = naiveProduct(x, w);
        for (const [i, row] of run.product.entries()) {
          for (const [j, value] of row.entries()) {
            expect(Math.abs(value - want[i][j])).toBeLessThanOrEqual(1e-12);
          }
        }
        // A GEMM is an fc layer with batch = M, c = K, f = N.
        const layer = layerOf("fc", { c: shape.k, f: shape.n, batch: shape.m });
        const sim = simulateLayer(layer, unlimited(shape.rows, shape.cols));
        expect(run.cycles).toBe(sim.computeCycles);
      }),
      { numRuns: 200 },
    );
  });

  it("a conv's im2col GEMM and a depthwise conv's per-channel GEMMs match too", () => {
    const ones = (rows: number, cols: number) =>
      Array.from({ length: rows }, () => Array(cols).fill(1));
    // conv 3×3, c = 2 → f = 3 on a 3×3 output: (9 × 18) · (18 × 3) on a 4×2 array
    const conv = layerOf("conv", { k1: 3, k2: 3, c: 2, f: 3, h: 3, w: 3 });
    const convRun = runWeightStationary(ones(9, 18), ones(18, 3), 4, 2);
    expect(convRun.product[0][0]).toBe(18);
    expect(convRun.cycles).toBe(simulateLayer(conv, unlimited(4, 2)).computeCycles);
    // depthwise 3×3, c = 5 on a 2×2 output: five (4 × 9) · (9 × 1) GEMMs on a 4×3 array
    const dw = layerOf("dwconv", { k1: 3, k2: 3, c: 5, f: 5, h: 2, w: 2 });
    const channelRun = runWeightStationary(ones(4, 9), ones(9, 1), 4, 3);
    expect(5 * channelRun.cycles).toBe(simulateLayer(dw, unlimited(4, 3)).computeCycles);
  });
});

describe("memory: double-buffered SRAM and DRAM port, hand-computed", () => {
  // 2×2 array, 2-byte operands, 2e9 B/s at 1 GHz = 2 B = one operand per cycle, so a
  // transfer's cycles equal its element count.
  const tiny: SimConfig = {
    arrayRows: 2,
    arrayCols: 2,
    sramBytes: Infinity,
    bandwidthBytesPerSec: 2e9,
    clockHz: 1e9,
    bytesPerOperand: 2,
  };

  it("one fold: its weight tile is exposed, inputs and outputs stream while it computes", () => {
    // fc 2 → 2, batch 10: M = 10, K = 2, N = 2, one fold of 2·2 + 2 + 10 - 2 = 14 cycles.
    // Before it: 4 weights = 4 cycles. During it: 10·2 inputs in + 10·2 outputs out = 40
    // cycles of port time against 14 of compute → 26 more. Stall = 4 + 26 = 30.
    const sim = simulateLayer(layerOf("fc", { c: 2, f: 2, batch: 10 }), tiny);
    expect(sim.computeCycles).toBe(14);
    expect(sim.cycles).toBe(14 + 30);
    expect(sim.breakdown.memoryStall).toBe(30 * 4);
  });

  // fc 4 → 4, batch 3: M = 3, K = 4, N = 4 → 2 row folds × 2 column folds, each
  // 2·2 + 2 + 3 - 2 = 7 cycles; compute = 28. Folds run (col 0: row 0, row 1), (col 1: ...).
  const fc44 = layerOf("fc", { c: 4, f: 4, batch: 3 });

  it("several folds: the port's work in a fold beyond its compute cycles is a stall", () => {
    // Resident input (12 elements, all read during column 0). Per fold: weights W (prefetched
    // during the fold before), inputs I and outputs O (moved during the fold):
    //   f0: W = 4, I = 6, O = 0     f1: W = 4, I = 6, O = 3·2 = 6
    //   f2: W = 4, I = 0, O = 0     f3: W = 4, I = 0, O = 6
    // stall = W0 (exposed)                  4
    //       + during f0: W1 + I0 + O0 = 10 - 7 = 3
    //       + during f1: W2 + I1 + O1 = 16 - 7 = 9
    //       + during f2: W3 + I2 + O2 =  4 - 7 → 0
    //       + during f3:  0 + I3 + O3 =  6 - 7 → 0   = 16
    const sim = simulateLayer(fc44, tiny);
    expect(sim.computeCycles).toBe(28);
    expect(sim.cycles).toBe(28 + 16);
  });

  it("an input that does not fit is read again for every column fold", () => {
    // Working set: (12 inputs + 3·2 partial sums + 2·(2·2) weights)·2 B = 52 B.
    // At 51 B, f2 and f3 each read their 6 inputs again:
    // stall = 4 + 3 + 9 + (4 + 6 + 0 - 7 = 3) + (0 + 6 + 6 - 7 = 5) = 24
    expect(simulateLayer(fc44, { ...tiny, sramBytes: 52 }).cycles).toBe(28 + 16);
    expect(simulateLayer(fc44, { ...tiny, sramBytes: 51 }).cycles).toBe(28 + 24);
  });

  it("unlimited bandwidth hides any SRAM shortage", () => {
    const sim = simulateLayer(fc44, { ...tiny, sramBytes: 1, bandwidthBytesPerSec: Infinity });
    expect(sim.cycles).toBe(28);
  });

  it("defaults: a ResNet 3×3 conv stalls only while it writes its output", () => {
    // 3×3, 64 → 64 at 56×56, batch 1: 5 row folds of 3518 cycles = 17590 compute cycles.
    // Port: 80e9 B/s / 1e9 Hz = 80 B per cycle. Fold 0's tile, 128·64·2 = 16384 B →
    // ⌈204.8⌉ = 205 cycles, is exposed. Input 58·58·64 = 215296 elements, read in row-fold
    // shares floor(215296·k/576) at k = 128, 256, ...: 47843, 47844, 47843, 47844, 23922.
    // Folds 0-3 move ≤ (16384 + 2·47844) B ≈ 1401 cycles < 3518: no stall. The last fold
    // reads 23922 inputs and writes 3136·64 = 200704 outputs: 449252 B → ⌈5615.65⌉ = 5616
    // cycles, 5616 - 3518 = 2098 more than it computes.
    const conv = layerOf("conv", { k1: 3, k2: 3, c: 64, f: 64, h: 56, w: 56 });
    const sim = simulateLayer(conv, defaultSimConfig);
    expect(sim.cycles).toBe(17590 + 205 + 2098);
  });

  it("defaults: VGG-16's first fc at batch 1 is bound by its weight traffic", () => {
    // 25088 × 4096 bf16 weights = 205520896 B; at 80 B per cycle the port needs ≥ 2569012
    // cycles, more than the 196·32 folds × (256 + 128 + 1 - 2 = 383) = 2402176 compute cycles.
    const fc6 = layerOf("fc", { c: 25088, f: 4096 });
    const sim = simulateLayer(fc6, defaultSimConfig);
    expect(sim.computeCycles).toBe(2402176);
    expect(sim.cycles).toBeGreaterThanOrEqual(2569012);
  });
});

describe("network totals and configuration", () => {
  it("sums layers and reports runtime at the clock", () => {
    const layers = zooNetwork("resnet18", 1);
    const net = simulateNetwork(layers, defaultSimConfig);
    const cycles = net.layers.reduce((sum, l) => sum + l.cycles, 0);
    const macs = net.layers.reduce((sum, l) => sum + l.macs, 0);
    expect(net.total.cycles).toBe(cycles);
    expect(net.total.macs).toBe(macs);
    expect(net.total.runtimeMs).toBeCloseTo(cycles / 1e6, 9);
    expect(net.total.util).toBeCloseTo(macs / (cycles * 128 * 128), 12);
  });

  it("rejects hardware that cannot exist", () => {
    const conv = layerOf("conv");
    expect(() => simulateLayer(conv, { ...defaultSimConfig, arrayRows: 0 })).toThrow(InputError);
    expect(() => simulateLayer(conv, { ...defaultSimConfig, arrayCols: 2.5 })).toThrow(/arrayCols/);
    expect(() => simulateLayer(conv, { ...defaultSimConfig, sramBytes: 0 })).toThrow(/sramBytes/);
    expect(() => simulateLayer(conv, { ...defaultSimConfig, clockHz: Infinity })).toThrow(
      /clockHz/,
    );
  });
});
