/** The host-side filter flip against tfjs's reverse (and transpose), over random shapes. */
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { flippedFilter } from "../../src/model/gradients/flippedFilter.js";
import { selectBackend } from "../../src/train/backend.js";

beforeAll(async () => {
  await selectBackend("wasm");
});

describe("flippedFilter", () => {
  it("equals reverse over both spatial axes, with in/out swapped on request", () => {
    const dims = fc.integer({ min: 1, max: 6 });
    fc.assert(
      fc.property(dims, dims, dims, dims, fc.boolean(), (kh, kw, cin, cout, swap) => {
        const size = kh * kw * cin * cout;
        const filter = tf.tensor4d(
          Float32Array.from({ length: size }, (_, i) => i * 0.5 - 3),
          [kh, kw, cin, cout],
        );
        const expected = tf.tidy(() => {
          const reversed = tf.reverse(filter, [0, 1]);
          return swap ? tf.transpose(reversed, [0, 1, 3, 2]) : reversed;
        });
        const actual = flippedFilter(filter as tf.Tensor4D, swap);
        expect(actual.shape).toEqual(expected.shape);
        expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
        tf.dispose([filter, expected, actual]);
      }),
      { numRuns: 60 },
    );
  });
});
