/**
 * Ranks (worker threads) that run the same computation in lockstep and meet to add up what each
 * computed on its share: a barrier and a weighted sum over one SharedArrayBuffer, with Atomics.
 * Each value's contributions are added in rank order, in doubles, so every rank gets the same
 * bits and copies of a model that apply the same update never drift apart. The sum is a
 * reduce-scatter then an all-gather: each rank adds up its 1/N of the values over every rank's
 * slot, then every rank copies all the sums. A rank so reads about two values per value summed
 * whatever the rank count, where each rank adding up everything read N (on 16 ranks, 16× the
 * memory traffic of the whole group, which shares the machine's bandwidth).
 */

const arrivedAt = 0;
const generationAt = 1;
const abortedAt = 2;
const controlInts = 3;

/** 32 MiB of slots whatever the rank count: longer sums go through in several rounds. */
const defaultSlotDoubles = 2 ** 22;

/** The shared memory of one lockstep group: made by the parent, handed to every rank. */
export interface LockstepMemory {
  ranks: number;
  control: SharedArrayBuffer;
  /** two alternating sets of one slot per rank */
  slots: SharedArrayBuffer;
}

export interface Lockstep {
  rank: number;
  ranks: number;
  /** Waits until every rank has arrived. */
  barrier(): void;
  /**
   * Σ over ranks of weight·values, every rank passing values of the same length; added in rank
   * order, so every rank gets the same result: in `into` (at least as long; its first
   * values.length entries are overwritten) when given, else in a new array.
   */
  sum(values: ArrayLike<number>, weight?: number, into?: Float64Array): Float64Array;
}

/** Thrown in a rank waiting for others once the group was aborted (another rank died). */
export class LockstepAborted extends Error {
  constructor() {
    super("lockstep group aborted: another worker thread stopped");
    this.name = "LockstepAborted";
  }
}

/** `slotDoubles`: the slots' total size (tests make it small to sum in many rounds). */
export function lockstepMemory(ranks: number, slotDoubles = defaultSlotDoubles): LockstepMemory {
  const chunk = Math.max(1, Math.floor(slotDoubles / (2 * ranks)));
  return {
    ranks,
    control: new SharedArrayBuffer(controlInts * Int32Array.BYTES_PER_ELEMENT),
    slots: new SharedArrayBuffer(2 * ranks * chunk * Float64Array.BYTES_PER_ELEMENT),
  };
}

/** Wakes every waiting rank with LockstepAborted (the parent calls it when a rank dies). */
export function abortLockstep(memory: LockstepMemory): void {
  const control = new Int32Array(memory.control);
  Atomics.store(control, abortedAt, 1);
  Atomics.notify(control, generationAt);
}

export function joinLockstep(memory: LockstepMemory, rank: number): Lockstep {
  const { ranks } = memory;
  const control = new Int32Array(memory.control);
  const chunk = memory.slots.byteLength / Float64Array.BYTES_PER_ELEMENT / (2 * ranks);
  const slot = (set: number, r: number) =>
    new Float64Array(memory.slots, ((set * ranks + r) * chunk) << 3, chunk);
  const slots = [0, 1].map((set) => Array.from({ length: ranks }, (_, r) => slot(set, r)));
  let uses = 0;

  const barrier = () => {
    const generation = Atomics.load(control, generationAt);
    if (Atomics.add(control, arrivedAt, 1) === ranks - 1) {
      Atomics.store(control, arrivedAt, 0);
      Atomics.add(control, generationAt, 1);
      Atomics.notify(control, generationAt);
    } else {
      while (Atomics.load(control, generationAt) === generation) {
        if (Atomics.load(control, abortedAt) !== 0) throw new LockstepAborted();
        Atomics.wait(control, generationAt, generation, 1000);
      }
    }
    if (Atomics.load(control, abortedAt) !== 0) throw new LockstepAborted();
  };

  // Slot set k is written again only two sums later, after a barrier every rank reaches only
  // once it has copied the sums out of set k: the barriers of each round suffice.
  const sum = (values: ArrayLike<number>, weight = 1, into?: Float64Array) => {
    const result = into?.subarray(0, values.length) ?? new Float64Array(values.length);
    for (let start = 0; start < values.length || start === 0; start += chunk) {
      const length = Math.min(chunk, values.length - start);
      const set = slots[uses++ % 2];
      const mine = set[rank];
      if (weight === 1 && values instanceof Float64Array)
        mine.set(values.subarray(start, start + length));
      else for (let i = 0; i < length; i++) mine[i] = values[start + i] * weight;
      barrier();
      // This rank's part of the round, added up over the ranks into rank 0's slot, where only
      // this rank reads that part.
      const totals = set[0];
      const from = Math.floor((length * rank) / ranks);
      const to = Math.floor((length * (rank + 1)) / ranks);
      for (let r = 1; r < ranks; r++) {
        const theirs = set[r];
        for (let i = from; i < to; i++) totals[i] += theirs[i];
      }
      barrier();
      result.subarray(start, start + length).set(totals.subarray(0, length));
      if (values.length === 0) break;
    }
    return result;
  };
  return { rank, ranks, barrier, sum };
}
