/**
 * Appends to a file (openAppender) from a thread of its own, so the thread handing out work
 * never waits on the disk: buffers are moved there, not copied, appended in the order sent, and
 * moved back for reuse. At most `maxBacklog` wait there; one more append blocks until one is
 * written, so a slow disk slows the producer instead of filling memory.
 *
 * Why: O_DIRECT writes wait on the device, ~10 ms per 10 MB chunk of a sweep's CSV. On the
 * sweep's main thread that was ~0.65 s of a ~1.2 s sweep in which a worker that had finished
 * its chunk could not be handed the next one.
 */
import { Worker } from "node:worker_threads";
import { builtWorkerFile } from "../pool/chunkPool.js";

export interface AppendWorkerData {
  path: string;
  direct: boolean;
  /** Int32 [0]: buffers sent and not yet appended; [1]: 1 once a write failed */
  backlog: SharedArrayBuffer;
}

/** bytes to append; or a flush (answered once everything sent before is appended); or neither: close */
export interface AppendMessage {
  bytes?: Uint8Array;
  flush?: true;
}

export interface AppendReply {
  /** a buffer appended, handed back */
  spare?: ArrayBuffer;
  /** everything sent before the flush is appended (but for a partial last block) */
  flushed?: true;
  /** the file is closed; whether it was written past the page cache */
  closed?: boolean;
  error?: string;
}

export interface AppendThread {
  /** Moves `bytes` to the thread, their whole buffer with them (so it must hold nothing else). */
  append(bytes: Uint8Array): void;
  /** Resolves once every buffer sent so far is appended (the partial last block waits for close). */
  flush(): Promise<void>;
  /**
   * Appends what is waiting, closes the file and ends the thread; resolves with whether the
   * file went past the page cache, rejects with a failed write's message.
   */
  close(): Promise<boolean>;
}

export interface AppendThreadOptions {
  direct?: boolean;
  /** buffers waiting at most (default 4: a CSV sweep's are ~10 MB each) */
  maxBacklog?: number;
  /** receives each buffer once appended, to reuse */
  onSpare?: (buffer: ArrayBuffer) => void;
}

/** A thread that has not moved its backlog for this long is taken for dead. */
const stalledMs = 120_000;

export function openAppendThread(path: string, options: AppendThreadOptions = {}): AppendThread {
  const backlog = new SharedArrayBuffer(8);
  const shared = new Int32Array(backlog);
  const maxBacklog = options.maxBacklog ?? 4;
  const workerData: AppendWorkerData = { path, direct: options.direct ?? true, backlog };
  const worker = new Worker(builtWorkerFile("files/appendWorker.js"), { workerData });
  const flushes: (() => void)[] = [];
  const finished = new Promise<AppendReply>((resolve) => {
    worker.on("message", (reply: AppendReply) => {
      if (reply.spare !== undefined) options.onSpare?.(reply.spare);
      else if (reply.flushed) flushes.shift()?.();
      else resolve(reply);
    });
    worker.on("error", (error) => resolve({ error: error.message }));
    worker.on("exit", (code) => resolve({ error: `${path}: the writer thread exited (${code})` }));
  });
  const failed = () => Atomics.load(shared, 1) !== 0;
  return {
    append(bytes) {
      if (failed()) throw new Error(`${path}: a write failed`);
      Atomics.add(shared, 0, 1);
      worker.postMessage({ bytes } satisfies AppendMessage, [bytes.buffer as ArrayBuffer]);
      for (let waiting = Atomics.load(shared, 0); waiting > maxBacklog && !failed(); ) {
        if (Atomics.wait(shared, 0, waiting, stalledMs) === "timed-out")
          throw new Error(`${path}: the writer thread stopped`);
        waiting = Atomics.load(shared, 0);
      }
    },
    async flush() {
      const flushed = new Promise<void>((resolve) => flushes.push(resolve));
      worker.postMessage({ flush: true } satisfies AppendMessage);
      // a thread that failed or ended answers no flush: close reports why
      await Promise.race([flushed, finished]);
    },
    async close() {
      worker.postMessage({} satisfies AppendMessage);
      const reply = await finished;
      await worker.terminate();
      if (reply.error !== undefined) throw new Error(reply.error);
      return reply.closed ?? false;
    },
  };
}
