/**
 * Parquet value encodings written straight from a chunk's Float64Array columns into the row
 * group's bytes, with no per-value objects: PLAIN, DELTA_BINARY_PACKED for int64, and
 * RLE_DICTIONARY keys as RLE runs. Integer columns hold whole numbers below 2^53 as doubles, so
 * every delta and sum below is exact in double arithmetic.
 */
import type { ByteWriter } from "hyparquet-writer";

const twoTo32 = 4294967296;
const twoTo53 = 2 ** 53;

/** A column as its distinct values (in order of first appearance) and runs of their keys. */
export interface RunDictionary {
  dictionary: Float64Array;
  /** per run: its key and its length */
  keys: Int32Array;
  lengths: Int32Array;
  runs: number;
}

let runStarts = new Int32Array(0);
let runKeys = new Int32Array(0);
let runLengths = new Int32Array(0);

/**
 * values[0, count) as a dictionary of its runs' values (one lookup a run, not a value), or
 * undefined when they come in more than `maxRuns` runs: a column of distinct values gives up
 * after maxRuns of them. The arrays are reused by the next call.
 */
export function runDictionary(
  values: Float64Array,
  count: number,
  maxRuns: number,
): RunDictionary | undefined {
  const runs = findRuns(values, count, maxRuns);
  if (runs < 0) return undefined;
  if (runKeys.length < runs) {
    runKeys = new Int32Array(maxRuns);
    runLengths = new Int32Array(maxRuns);
  }
  const keyOf = new Map<number, number>();
  for (let run = 0; run < runs; run++) {
    const start = runStarts[run];
    let key = keyOf.get(values[start]);
    if (key === undefined) {
      key = keyOf.size;
      keyOf.set(values[start], key);
    }
    runKeys[run] = key;
    runLengths[run] = (run + 1 < runs ? runStarts[run + 1] : count) - start;
  }
  const dictionary = Float64Array.from(keyOf.keys());
  return { dictionary, keys: runKeys, lengths: runLengths, runs };
}

/**
 * Where the runs of values[0, count) start, into runStarts; their count, or -1 past `maxRuns`
 * (and for no values). A loop of its own that returns a number: V8 kept re-entering the
 * on-stack-replaced loop of a larger function and deoptimizing it on the way out, every call.
 */
function findRuns(values: Float64Array, count: number, maxRuns: number): number {
  if (count === 0 || maxRuns < 1) return -1;
  if (runStarts.length < maxRuns) runStarts = new Int32Array(maxRuns);
  let runs = 1;
  for (let i = 1; i < count; i++) {
    if (values[i] === values[i - 1]) continue;
    if (runs === maxRuns) return -1;
    runStarts[runs++] = i;
  }
  return runs;
}

/** Keys (or levels) as RLE runs of the RLE/bit-packed hybrid: per run its length · 2 as a varint, then the key in ⌈bitWidth / 8⌉ bytes. */
export function writeRleRuns(
  writer: ByteWriter,
  keys: ArrayLike<number>,
  lengths: ArrayLike<number>,
  runs: number,
  bitWidth: number,
): void {
  const keyBytes = (bitWidth + 7) >> 3;
  writer.ensure(runs * (5 + keyBytes));
  for (let run = 0; run < runs; run++) {
    writer.appendVarInt(lengths[run] << 1);
    for (let byte = 0; byte < keyBytes; byte++)
      writer.appendUint8((keys[run] >>> (8 * byte)) & 0xff);
  }
}

/** values[0, count) as PLAIN int64: each whole number's low and high 32-bit words. */
export function writePlainInt64(writer: ByteWriter, values: Float64Array, count: number): void {
  writer.ensure(8 * count);
  const { view } = writer;
  let at = writer.index;
  for (let i = 0; i < count; i++, at += 8) {
    const value = values[i];
    // high and low words without %, which V8 runs as a call to fmod
    const high = Math.floor(value / twoTo32);
    view.setUint32(at, value - high * twoTo32, true);
    view.setInt32(at + 4, high, true);
  }
  advance(writer, 8 * count);
}

/** values[0, count) as PLAIN doubles: their bytes as they are (little-endian machines only). */
export function writePlainDouble(writer: ByteWriter, values: Float64Array, count: number): void {
  writer.appendBytes(new Uint8Array(values.buffer, values.byteOffset, 8 * count));
}

const blockValues = 128;
const miniblocks = 4;
const miniblockValues = blockValues / miniblocks;
const blockDeltas = new Float64Array(blockValues);

/**
 * values[0, count) as DELTA_BINARY_PACKED: blocks of 128 deltas, each less its block's least
 * delta and bit-packed in 4 miniblocks of 32 at the miniblock's own width. A run of equal steps
 * (row indices, a channel counting up, MACs growing with it) costs a block's header only.
 */
export function writeDeltaBinaryPacked(
  writer: ByteWriter,
  values: Float64Array,
  count: number,
): void {
  writer.ensure(40 + Math.ceil(count / blockValues) * (14 + 7 * blockValues));
  writer.appendVarInt(blockValues);
  writer.appendVarInt(miniblocks);
  writer.appendVarInt(count);
  appendZigZag(writer, count > 0 ? values[0] : 0);
  for (let block = 1; block < count; block += blockValues) {
    writeDeltaBlock(writer, values, block, Math.min(blockValues, count - block));
  }
}

/** The deltas of values[first − 1, first + size) as one block (size ≤ 128). */
function writeDeltaBlock(writer: ByteWriter, values: Float64Array, first: number, size: number) {
  let least = Number.POSITIVE_INFINITY;
  let most = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < size; i++) {
    const delta = values[first + i] - values[first + i - 1];
    blockDeltas[i] = delta;
    if (delta < least) least = delta;
    if (delta > most) most = delta;
  }
  appendZigZag(writer, least);
  if (least === most) {
    // every step equal: four miniblocks of width 0, no bits
    writer.appendUint32(0);
    return;
  }
  const widthsAt = writer.index;
  advance(writer, miniblocks);
  for (let miniblock = 0; miniblock < miniblocks; miniblock++) {
    const from = miniblock * miniblockValues;
    // a miniblock past the last value has a width byte (0) and no bits
    const to = Math.min(size, from + miniblockValues);
    const width =
      most - least < twoTo53
        ? packMiniblock(writer, from, to, least)
        : packWideMiniblock(writer, from, to, least);
    writer.view.setUint8(widthsAt + miniblock, width);
  }
}

/** Bits of a whole number below 2^53. */
function bitWidth(value: number): number {
  if (value < twoTo32) return 32 - Math.clz32(value);
  return 64 - Math.clz32(Math.floor(value / twoTo32));
}

/**
 * blockDeltas[from, to) less `least`, at the width of the largest, least significant bit first,
 * padded with zeros to 32 values (4 · width bytes, whole 32-bit words); returns the width.
 */
function packMiniblock(writer: ByteWriter, from: number, to: number, least: number): number {
  let largest = 0;
  for (let i = from; i < to; i++) {
    const adjusted = blockDeltas[i] - least;
    blockDeltas[i] = adjusted;
    if (adjusted > largest) largest = adjusted;
  }
  const width = bitWidth(largest);
  if (width === 0) return 0;
  const { view } = writer;
  let at = writer.index;
  let word = 0;
  let filled = 0;
  // pushes the low `bits` (≤ 32) of part into the word, writing each word as it fills
  const push = (part: number, bits: number) => {
    word |= part << filled;
    filled += bits;
    if (filled < 32) return;
    view.setInt32(at, word, true);
    at += 4;
    filled -= 32;
    word = filled === 0 ? 0 : part >>> (bits - filled);
  };
  for (let i = from; i < from + miniblockValues; i++) {
    const value = i < to ? blockDeltas[i] : 0;
    if (width <= 32) push(value, width);
    else {
      const high = Math.floor(value / twoTo32);
      push(value - high * twoTo32, 32);
      push(high, width - 32);
    }
  }
  advance(writer, 4 * width);
  return width;
}

/**
 * packMiniblock for a block whose deltas span 2^53 or more (values near both 0 and 2^53), where
 * a delta less the least is no longer exact as a double: the same bits from BigInts.
 */
function packWideMiniblock(writer: ByteWriter, from: number, to: number, least: number): number {
  const adjusted = Array.from({ length: miniblockValues }, (_, i) =>
    from + i < to ? BigInt(blockDeltas[from + i]) - BigInt(least) : 0n,
  );
  // the width of the largest is that of all of them or-ed together
  const anyBits = adjusted.reduce((bits, value) => bits | value, 0n);
  const width = anyBits === 0n ? 0 : anyBits.toString(2).length;
  let bits = 0n;
  adjusted.forEach((value, i) => {
    bits |= value << BigInt(i * width);
  });
  for (let byte = 0; byte < 4 * width; byte++) {
    writer.view.setUint8(writer.index + byte, Number((bits >> BigInt(8 * byte)) & 0xffn));
  }
  advance(writer, 4 * width);
  return width;
}

/**
 * A signed whole number (|value| < 2^53) as a zigzag ULEB128 varint: 2·|value|, less 1 for a
 * negative one, which can pass 2^53, so its first 7 bits are taken from |value| before doubling.
 */
function appendZigZag(writer: ByteWriter, value: number): void {
  const magnitude = Math.abs(value);
  let rest = Math.floor(magnitude / 64);
  let low = 2 * (magnitude - 64 * rest) - (value < 0 ? 1 : 0);
  if (low < 0) {
    low += 128;
    rest--;
  }
  while (true) {
    writer.appendUint8(rest > 0 ? low + 128 : low);
    if (rest === 0) return;
    const high = Math.floor(rest / 128);
    low = rest - high * 128;
    rest = high;
  }
}

/** Counts `bytes` written in place through writer.view. */
function advance(writer: ByteWriter, bytes: number): void {
  writer.index += bytes;
  writer.offset += bytes;
}
