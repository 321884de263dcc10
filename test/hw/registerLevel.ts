/**
 * A register-level weight-stationary systolic array, written apart from src/hw/simulator so it can
 * check it. Each PE holds one weight and two registers, the input token moving right and the
 * partial sum moving down; all registers update together once per cycle. Tokens carry the input
 * row they belong to, so every sum that leaves the bottom row is placed by what it is, not by a
 * timing formula. It moves every value, so it is only for small arrays and matrices.
 */

/** An input row index and value; row -1 is a bubble. */
interface Token {
  row: number;
  value: number;
}

const bubble: Token = { row: -1, value: 0 };

export interface RegisterLevelRun {
  /** inputs · weights, accumulated over the row folds */
  product: number[][];
  /** cycles from the first weight shifted in to the last sum out, over all folds */
  cycles: number;
}

function grid<T>(rows: number, cols: number, fill: () => T): T[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, fill));
}

/** Runs (M × K) · (K × N) on an arrayRows × arrayCols array, one weight tile at a time. */
export function runWeightStationary(
  inputs: number[][],
  weights: number[][],
  arrayRows: number,
  arrayCols: number,
): RegisterLevelRun {
  const depth = weights.length;
  const width = weights[0].length;
  const product = grid(inputs.length, width, () => 0);
  let cycles = 0;
  for (let colStart = 0; colStart < width; colStart += arrayCols) {
    for (let rowStart = 0; rowStart < depth; rowStart += arrayRows) {
      const tile = grid(arrayRows, arrayCols, () => 0);
      cycles += shiftWeightsIn(tile, weights, rowStart, colStart);
      cycles += streamInputs(tile, inputs, rowStart, colStart, product);
    }
  }
  return { product, cycles };
}

/**
 * Weights enter at the top and every cycle each PE takes the weight of the PE above, so the tile
 * goes in bottom row first; after arrayRows cycles array row r holds weight row rowStart + r.
 * Rows and columns past the matrix edge are loaded with zeros.
 */
function shiftWeightsIn(tile: number[][], weights: number[][], rowStart: number, colStart: number) {
  const arrayRows = tile.length;
  const weightAt = (k: number, n: number) => (k < weights.length ? (weights[k][n] ?? 0) : 0);
  for (let cycle = 0; cycle < arrayRows; cycle++) {
    for (let r = arrayRows - 1; r > 0; r--) tile[r] = tile[r - 1].slice();
    const k = rowStart + arrayRows - 1 - cycle;
    tile[0] = tile[0].map((_, c) => weightAt(k, colStart + c));
  }
  return arrayRows;
}

/**
 * Input row m enters array row r from the left at cycle m + r (the skew that lines it up with the
 * partial sum coming down). A cycle counts while any PE holds a real input token; the array is
 * done when the last token has crossed every column. Returns the cycles spent.
 */
function streamInputs(
  tile: number[][],
  inputs: number[][],
  rowStart: number,
  colStart: number,
  product: number[][],
): number {
  const arrayRows = tile.length;
  const arrayCols = tile[0].length;
  const width = product[0].length;
  let passing = grid(arrayRows, arrayCols, () => bubble);
  let sums = grid(arrayRows, arrayCols, () => bubble);
  for (let cycle = 0; ; cycle++) {
    const nextPassing = grid(arrayRows, arrayCols, () => bubble);
    const nextSums = grid(arrayRows, arrayCols, () => bubble);
    let busy = false;
    for (let r = 0; r < arrayRows; r++) {
      for (let c = 0; c < arrayCols; c++) {
        const input = c === 0 ? feed(inputs, cycle - r, rowStart + r) : passing[r][c - 1];
        const above = r === 0 ? { row: input.row, value: 0 } : sums[r - 1][c];
        if (input.row !== above.row) throw new Error(`skew broken at PE ${r},${c}`);
        nextPassing[r][c] = input;
        if (input.row < 0) continue;
        busy = true;
        nextSums[r][c] = { row: input.row, value: above.value + tile[r][c] * input.value };
      }
    }
    if (!busy) return cycle;
    nextSums[arrayRows - 1].forEach((sum, c) => {
      if (sum.row >= 0 && colStart + c < width) product[sum.row][colStart + c] += sum.value;
    });
    passing = nextPassing;
    sums = nextSums;
  }
}

// Array rows past the matrix depth still pass tokens (value 0) so the timing does not change.
function feed(inputs: number[][], row: number, k: number): Token {
  if (row < 0 || row >= inputs.length) return bubble;
  return { row, value: inputs[row][k] ?? 0 };
}

/** The textbook triple loop, for checking the array's product. */
export function naiveProduct(inputs: number[][], weights: number[][]): number[][] {
  return inputs.map((row) =>
    weights[0].map((_, n) => row.reduce((sum, x, k) => sum + x * weights[k][n], 0)),
  );
}
