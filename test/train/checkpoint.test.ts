import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { checkCheckpoint, restoreCheckpoint, saveCheckpoint } from "../../src/train/checkpoint.js";

const values = [1.5, -2, 3.25, 0, 7, 8];

async function saved(state: object = { epoch: 3 }) {
  const dir = mkdtempSync(join(tmpdir(), "uboost-checkpoint-"));
  const tensors = new Map<string, tf.Tensor>([
    ["w", tf.tensor2d(values, [2, 3])],
    ["b", tf.tensor1d([0.5, -0.5])],
  ]);
  await saveCheckpoint(dir, "checkpoint", tensors, state);
  tf.dispose([...tensors.values()]);
  return dir;
}

const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8"));
const binOf = (dir: string) => join(dir, manifestOf(dir).weightsManifest[0].paths[0]);

function restore(dir: string) {
  const w = tf.variable(tf.zeros([2, 3]));
  const b = tf.variable(tf.zeros([2]));
  try {
    const { state, rest } = restoreCheckpoint<{ epoch: number }>(
      dir,
      "checkpoint",
      new Map([
        ["w", w],
        ["b", b],
      ]),
    );
    tf.dispose(Object.values(rest));
    return { state, w: Array.from(w.dataSync()), b: Array.from(b.dataSync()) };
  } finally {
    tf.dispose([w, b]);
  }
}

/** Both the up-front check and the restore refuse, with the same one-line InputError. */
function expectRefused(dir: string, message: RegExp) {
  for (const read of [() => checkCheckpoint(dir, "checkpoint"), () => restore(dir)]) {
    let error: unknown;
    try {
      read();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
  }
}

describe("checkpoints carry the checksum of their tensors", () => {
  it("round-trip, the binary file named by and holding the SHA-256 the JSON states", async () => {
    const dir = await saved();
    const manifest = manifestOf(dir);
    const bytes = readFileSync(binOf(dir));
    const digest = createHash("sha256").update(bytes).digest("hex");
    expect(manifest.weightsSha256).toBe(digest);
    expect(manifest.weightsManifest[0].paths).toEqual([`checkpoint-${digest.slice(0, 16)}.bin`]);
    expect(bytes.byteLength).toBe((6 + 2) * 4);
    expect(restore(dir)).toEqual({ state: { epoch: 3 }, w: values, b: [0.5, -0.5] });
  });

  it("refuse a binary file overwritten with other bytes of the same size", async () => {
    const dir = await saved();
    const original = readFileSync(binOf(dir));
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async (bytes) => {
        fc.pre(!original.equals(bytes));
        writeFileSync(binOf(dir), bytes);
        expectRefused(
          dir,
          /checkpoint-[0-9a-f]{16}\.bin: checksum differs from the one in checkpoint\.json/,
        );
      }),
      { numRuns: 30 },
    );
  });

  it("refuse a truncated binary file, a truncated JSON file and a JSON of {}", async () => {
    const dir = await saved();
    const bin = readFileSync(binOf(dir));
    const json = readFileSync(join(dir, "checkpoint.json"), "utf8");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bin.byteLength - 1 }), (length) => {
        writeFileSync(binOf(dir), bin.subarray(0, length));
        expectRefused(
          dir,
          new RegExp(`: ${length} bytes where checkpoint.json describes 32 \\(truncated`),
        );
      }),
    );
    writeFileSync(binOf(dir), bin);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: json.length - 2 }), (length) => {
        writeFileSync(join(dir, "checkpoint.json"), json.slice(0, length));
        expectRefused(dir, /checkpoint\.json: (malformed JSON|not a weights file)/);
      }),
    );
    writeFileSync(join(dir, "checkpoint.json"), "{}");
    expectRefused(
      dir,
      /checkpoint\.json: not a weights file \(missing or malformed weightsManifest\)$/,
    );
    const { state: _, ...noState } = JSON.parse(json);
    writeFileSync(join(dir, "checkpoint.json"), JSON.stringify(noState));
    expectRefused(dir, /checkpoint\.json: not a checkpoint \(no state object\)$/);
  });

  it("keep the last epoch's pair when a save is cut off between its two files", async () => {
    const dir = await saved({ epoch: 3 });
    // a later save killed after writing its binary file, before its JSON
    writeFileSync(join(dir, "checkpoint-0123456789abcdef.bin"), new Uint8Array(32));
    expect(restore(dir).state).toEqual({ epoch: 3 });
    // the next completed save leaves only its own binary file
    await saveCheckpoint(dir, "checkpoint", new Map([["w", tf.ones([1])]]), { epoch: 4 });
    expect(readdirSync(dir).sort()).toEqual([basename(binOf(dir)), "checkpoint.json"].sort());
  });

  it("read checkpoints from before checksums on their size alone", async () => {
    const dir = await saved();
    const { weightsSha256: _, ...old } = manifestOf(dir);
    writeFileSync(join(dir, "checkpoint.json"), JSON.stringify(old));
    expect(restore(dir).w).toEqual(values);
  });
});
