import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { openAppender } from "../../src/files/directAppend.js";
import { projectRoot } from "../../src/projectRoot.js";

const dir = mkdtempSync(join(tmpdir(), "uboost-append-"));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bytes that are never 0, so a gap of zeros in a file cannot pass for them. */
function pattern(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = 1 + ((i * 31 + seed * 17) % 251);
  return bytes;
}

function concat(parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts.map((part) => Buffer.from(part)));
}

// lengths near the 4096-byte block and the 8192-byte staging buffer used here
const chunkLength = fc.oneof(
  fc.integer({ min: 0, max: 300 }),
  fc.integer({ min: 4000, max: 4200 }),
  fc.integer({ min: 8100, max: 20000 }),
);

describe("openAppender", () => {
  for (const direct of [true, false]) {
    it(`${direct ? "O_DIRECT" : "plain"}: the file is what it held plus every append, in order`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 9000 }),
          fc.array(chunkLength, { maxLength: 8 }),
          (existing, lengths) => {
            const path = join(dir, `file-${++files}.csv`);
            const before = pattern(existing, 0);
            if (existing > 0) writeFileSync(path, before);
            const file = openAppender(path, { direct, stagingBytes: 8192 });
            const chunks = lengths.map((length, i) => pattern(length, i + 1));
            for (const chunk of chunks) {
              // the caller reuses its buffer once append returns
              const lent = chunk.slice();
              file.append(lent);
              lent.fill(0);
            }
            file.close();
            expect(readFileSync(path).equals(concat([before, ...chunks]))).toBe(true);
            rmSync(path);
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it("appends past the page cache where the filesystem allows it, and a tail shorter than a block", () => {
    const path = join(dir, "tail.csv");
    const file = openAppender(path);
    file.append(pattern(100, 1));
    // nothing reaches the file until a whole block is ready
    expect(statSync(path).size).toBe(0);
    file.append(pattern(5000, 2));
    expect(statSync(path).size).toBe(file.direct ? 4096 : 5100);
    file.close();
    expect(readFileSync(path).equals(concat([pattern(100, 1), pattern(5000, 2)]))).toBe(true);
  });

  it("a process killed mid-stream leaves a prefix of what it appended, never a gap", async () => {
    const path = join(dir, "killed.csv");
    const module = join(projectRoot(), "dist/src/files/directAppend.js");
    // chunks of 1..64 KiB, the pattern continuing across them, appended until killed
    const script = `
      import { openAppender } from ${JSON.stringify(module)};
      const file = openAppender(${JSON.stringify(path)});
      process.stdout.write(file.direct ? "direct\\n" : "plain\\n");
      for (let at = 0, n = 0; ; n++) {
        const length = 1 + ((n * 7919) % 65536);
        const bytes = new Uint8Array(length);
        for (let i = 0; i < length; i++) bytes[i] = 1 + ((at + i) % 251);
        file.append(bytes);
        at += length;
      }`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const mode = await new Promise<string>((resolve) =>
      child.stdout.once("data", (data) => resolve(String(data).trim())),
    );
    for (let waited = 0; !existsSync(path) || statSync(path).size < 4 << 20; waited++) {
      if (waited > 600) throw new Error("the appending process wrote nothing");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    const written = readFileSync(path);
    if (mode === "direct") expect(written.length % 4096).toBe(0);
    for (let i = 0; i < written.length; i++) {
      if (written[i] !== 1 + (i % 251)) throw new Error(`byte ${i} is ${written[i]}`);
    }
  });
});
