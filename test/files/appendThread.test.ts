import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openAppendThread } from "../../src/files/appendThread.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-append-thread-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A buffer of its own, never 0, different for each chunk. */
function chunk(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = 1 + ((i * 7 + seed * 13) % 251);
  return bytes;
}

describe("openAppendThread", () => {
  for (const direct of [true, false]) {
    it(`${direct ? "O_DIRECT" : "plain"}: appends in the order sent, waits when the backlog is full, hands every buffer back`, async () => {
      const path = join(dir, `rows-${direct}.csv`);
      const spares: ArrayBuffer[] = [];
      const file = openAppendThread(path, {
        direct,
        maxBacklog: 1,
        onSpare: (buffer) => spares.push(buffer),
      });
      const lengths = [0, 1, 4095, 4096, 4097, 100_000, 3, 70_000, 8192, 12_345];
      const sent = lengths.map((length, i) => chunk(length, i));
      const expected = Buffer.concat(sent.map((bytes) => Buffer.from(bytes)));
      for (const bytes of sent) {
        file.append(bytes);
        // moved, not copied: the sender no longer holds the bytes
        expect(bytes.buffer.byteLength).toBe(0);
      }
      // flushed: every whole block is in the file, the partial last one waits for close
      await file.flush();
      const flushedBytes = statSync(path).size;
      const wentDirect = await file.close();
      expect(flushedBytes).toBe(
        wentDirect ? expected.length - (expected.length % 4096) : expected.length,
      );
      expect(wentDirect).toBe(direct ? wentDirect : false);
      expect(readFileSync(path).equals(expected)).toBe(true);
      expect(spares.map((buffer) => buffer.byteLength).sort((a, b) => a - b)).toEqual(
        [...lengths].sort((a, b) => a - b),
      );
    });
  }

  it("a file that cannot be written: the next append throws, close rejects with the reason", async () => {
    const file = openAppendThread(join(dir, "no-such-folder", "rows.csv"));
    let thrown: unknown;
    for (let i = 0; i < 200 && thrown === undefined; i++) {
      try {
        file.append(chunk(10, i));
        await new Promise((resolve) => setTimeout(resolve, 10));
      } catch (error) {
        thrown = error;
      }
    }
    expect(String(thrown)).toMatch(/rows\.csv: a write failed/);
    await expect(file.close()).rejects.toThrow(/ENOENT/);
  });
});
