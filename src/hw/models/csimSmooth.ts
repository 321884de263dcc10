/**
 * The csim model's smooth relaxation, differentiable in the (soft) channel counts the search
 * feeds it. csim.ts walks the folds; here the same terms are summed in closed form over fold
 * counts, with the smooth ceiling S(x) in place of ⌈x⌉ (as the paper relaxes its own model) and
 * a smooth max in place of max:
 *
 *   load-bound   = fetch(K₀·N₀) + K₀ + count·⌈N/cols⌉·((⌈K/rows⌉ − 1)·step(rows) + step(K_last)) − step(K₀)
 *   DRAM-bound   = fetch(count·K·N)
 *   cycles       = smax(load-bound, DRAM-bound) + last fold
 *
 * K₀ = min(K, rows) and N₀ = min(N, cols) size the first fold, K_last = K − (⌈K/rows⌉ − 1)·rows
 * the last depth tile. The two bounds are the walk's first and last fold; a mix of the two (DRAM
 * catching up halfway through a layer) is dropped, which costs at most 7% on the given layers
 * (docs/fidelity.md). Values carry their partial derivatives in c and f (forward mode), so each
 * formula is written once.
 */
import type { CostEngine } from "../../engine/engine.js";
import { type SmoothCeilParams, uncappedSmoothCeil } from "../../engine/smoothCeilParams.js";
import type { Layer } from "../../layers/layer.js";
import { macsOf } from "../../layers/macs.js";
import type { CostModel } from "../costModel.js";
import type { SimConfig } from "../simulator/config.js";
import { type Gemm, gemmsOf } from "../simulator/gemm.js";
import { fetchCycles, lastFoldCycles, rowTiles } from "./csim.js";

/** A value with its partial derivatives in the layer's input (c) and output (f) channels. */
interface Dual {
  v: number;
  c: number;
  f: number;
}

const constant = (v: number): Dual => ({ v, c: 0, f: 0 });
const add = (a: Dual, b: Dual): Dual => ({ v: a.v + b.v, c: a.c + b.c, f: a.f + b.f });
const sub = (a: Dual, b: Dual): Dual => ({ v: a.v - b.v, c: a.c - b.c, f: a.f - b.f });
const mul = (a: Dual, b: Dual): Dual => ({
  v: a.v * b.v,
  c: a.c * b.v + a.v * b.c,
  f: a.f * b.v + a.v * b.f,
});
const scale = (a: Dual, s: number): Dual => ({ v: a.v * s, c: a.c * s, f: a.f * s });

/** Width (cycles or rows) of the smooth max's rounded corner: sub-cycle, so values stay exact. */
const cornerWidth = 1;

/** (a + b + √((a − b)² + w²)) / 2: max(a, b) with its corner rounded, within w/2 of it. */
function smoothMax(a: Dual, b: Dual): Dual {
  const gap = a.v - b.v;
  const root = Math.sqrt(gap * gap + cornerWidth * cornerWidth);
  const slope = gap / root;
  return {
    v: (a.v + b.v + root) / 2,
    c: (a.c + b.c + slope * (a.c - b.c)) / 2,
    f: (a.f + b.f + slope * (a.f - b.f)) / 2,
  };
}
const smoothMin = (a: Dual, b: Dual): Dual => scale(smoothMax(scale(a, -1), scale(b, -1)), -1);

type SmoothCeil = (x: number) => { value: number; slope: number };

/**
 * The paper's S, eight times steeper. csim's cycles jump at every multiple of the array's rows
 * and columns, and channel counts come in steps of 8 or 16 (1/16 of a tile on 128 rows): the
 * paper's B = 20 puts each step's midpoint 0.125 tiles past the integer (S(1.125) = 1.5 where
 * ⌈1.125⌉ = 2); B = 160 puts it at 0.016 tiles, 2 channels, so S matches ⌈x⌉ on the grid.
 */
export const csimSmoothCeil: SmoothCeilParams = { ...uncappedSmoothCeil, sharpness: 160 };

/** ⌈x⌉ relaxed where x moves with the channels; a fixed dimension keeps its exact ceiling. */
function ceilOf(x: Dual, S: SmoothCeil): Dual {
  if (x.c === 0 && x.f === 0) return constant(Math.ceil(x.v));
  const { value, slope } = S(x.v);
  return { v: value, c: slope * x.c, f: slope * x.f };
}

/**
 * The GEMMs of a layer with their slopes in c and f. Every GEMM dimension is linear in c (f held)
 * and in f (c held), so a one-channel difference of gemmsOf is its exact derivative: the mapping
 * of layers to GEMMs stays written once, in gemm.ts.
 */
function gemmsWithSlopes(layer: Layer) {
  const at = gemmsOf(layer);
  const moreIn = gemmsOf({ ...layer, c: layer.c + 1 });
  const moreOut = gemmsOf({ ...layer, f: layer.f + 1 });
  const dual = (field: "depth" | "width" | "count", i: number): Dual => ({
    v: at[i][field],
    c: moreIn[i][field] - at[i][field],
    f: moreOut[i][field] - at[i][field],
  });
  return at.map((gemm: Gemm, i) => ({
    streamRows: gemm.streamRows,
    depth: dual("depth", i),
    width: dual("width", i),
    count: dual("count", i),
  }));
}

function smoothGemmCycles(
  gemm: ReturnType<typeof gemmsWithSlopes>[number],
  hardware: SimConfig,
  S: SmoothCeil,
): Dual {
  const rows = constant(hardware.arrayRows);
  const cols = constant(hardware.arrayCols);
  const stream = constant(gemm.streamRows + rowTiles(gemm.streamRows, hardware));
  const step = (depth: Dual) => smoothMax(stream, add(depth, constant(1)));
  const depthTiles = ceilOf(scale(gemm.depth, 1 / hardware.arrayRows), S);
  const widthTiles = ceilOf(scale(gemm.width, 1 / hardware.arrayCols), S);
  const fullTiles = sub(depthTiles, constant(1));
  const lastDepth = sub(gemm.depth, mul(fullTiles, rows));
  const firstDepth = smoothMin(gemm.depth, rows);
  const firstWidth = smoothMin(gemm.width, cols);
  const perWidthTile = add(mul(fullTiles, step(rows)), step(lastDepth));
  const loadBound = sub(
    add(
      add(scale(mul(firstDepth, firstWidth), fetchCycles(1, hardware)), firstDepth),
      mul(mul(gemm.count, widthTiles), perWidthTile),
    ),
    step(firstDepth),
  );
  const dramBound = scale(mul(gemm.count, mul(gemm.depth, gemm.width)), fetchCycles(1, hardware));
  return add(smoothMax(loadBound, dramBound), constant(lastFoldCycles(gemm.streamRows, hardware)));
}

export interface SmoothLayerCycles {
  cycles: number;
  dCyclesDc: number;
  dCyclesDf: number;
}

/** A layer's smooth csim cycles and their slopes in c and f (free layers: all zero). */
export function csimSmoothLayer(
  layer: Layer,
  hardware: SimConfig,
  engine: CostEngine,
): SmoothLayerCycles {
  const S: SmoothCeil = (x) => engine.smoothCeil(x, csimSmoothCeil);
  let total = constant(0);
  for (const gemm of gemmsWithSlopes(layer)) {
    total = add(total, smoothGemmCycles(gemm, hardware, S));
  }
  return { cycles: total.v, dCyclesDc: total.c, dCyclesDf: total.f };
}

export const csimSmoothModel: CostModel = {
  summary: "the csim model's smooth relaxation, differentiable in the channels",
  estimate(layers, hardware, context) {
    const pes = hardware.arrayRows * hardware.arrayCols;
    return layers.map((layer) => {
      const macs = macsOf(layer);
      const { cycles } = csimSmoothLayer(layer, hardware, context.engine());
      return { macs, cycles, util: cycles > 0 ? macs / (cycles * pes) : 1 };
    });
  },
};
