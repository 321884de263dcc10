/**
 * The thread side of appendThread.ts: appends each buffer it is sent to the file with
 * openAppender, in the order sent, hands the buffer back, and counts it off the shared backlog.
 * After a failed write it appends nothing more and answers the close with the error.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { AppendMessage, AppendReply, AppendWorkerData } from "./appendThread.js";
import { openAppender } from "./directAppend.js";

const { path, direct, backlog } = workerData as AppendWorkerData;
const shared = new Int32Array(backlog);
const port = parentPort as NonNullable<typeof parentPort>;
let failure: string | undefined;
const file = (() => {
  try {
    return openAppender(path, { direct });
  } catch (error) {
    fail(error);
    return undefined;
  }
})();

function fail(error: unknown): void {
  failure = (error as Error)?.message ?? String(error);
  // the main thread reads this flag while it waits on the backlog
  Atomics.store(shared, 1, 1);
  Atomics.notify(shared, 0);
}

port.on("message", (message: AppendMessage) => {
  if (message.bytes !== undefined) {
    try {
      if (failure === undefined) file?.append(message.bytes);
    } catch (error) {
      fail(error);
    }
    Atomics.sub(shared, 0, 1);
    Atomics.notify(shared, 0);
    const buffer = message.bytes.buffer as ArrayBuffer;
    port.postMessage({ spare: buffer } satisfies AppendReply, [buffer]);
    return;
  }
  if (message.flush) {
    port.postMessage({ flushed: true } satisfies AppendReply);
    return;
  }
  try {
    if (failure === undefined) file?.close();
  } catch (error) {
    fail(error);
  }
  const reply: AppendReply =
    failure === undefined ? { closed: file?.direct ?? false } : { error: failure };
  port.postMessage(reply);
  port.close();
});
