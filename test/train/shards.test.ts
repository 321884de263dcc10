import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLockstep } from "../../src/pool/lockstepRun.js";
import { projectRoot } from "../../src/projectRoot.js";
import { selectBackend } from "../../src/train/backend.js";
import { shardRange } from "../../src/train/shards.js";

/**
 * Gradients and batch-norm means of a derived network with every op of the U-Boost space (two
 * cells, the second reducing): the loss's gradients with BN on its running statistics, where an
 * image's output does not depend on the rest of the batch, and the training-mode batch means.
 * The same source runs in the test process on the whole batch and in each rank on its share.
 */
const source = (dist: string) => `
import * as tf from "@tensorflow/tfjs";
import { forward } from "${dist}/model/forward.js";
import { createParams, trainableVariables } from "${dist}/model/params.js";
import { convLayers, planNetwork } from "${dist}/model/plan.js";
import { uboostSpace } from "${dist}/model/space.js";
import { softmaxCrossEntropy } from "${dist}/model/ops/crossEntropy.js";
import { combineShares, takeShard } from "${dist}/train/shards.js";

const edges = ["conv3x3", "dws5x5", "identity", "dil3x3", "zero", "conv5x5", "dil5x5", "dws3x3", "conv3x3"];
const shape = { layout: [true, true], resolution: 8, inChannels: 3, stemChannels: 8, classes: 10 };

export function figures(batch, lockstep) {
  const plan = planNetwork(uboostSpace, shape, edges);
  const channels = Object.fromEntries(convLayers(plan).map((layer) => [layer.slot, 6]));
  const params = createParams(plan, channels, 3);
  const variables = trainableVariables(params);
  const keyOf = new Map([...params.named].map(([key, variable]) => [variable.name, key]));
  const images = tf.randomNormal([batch, 8, 8, 3], 0, 1, "float32", 11);
  const labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => (i * 3) % 10), "int32");
  const shard = takeShard(images, labels, lockstep);
  const { grads } = tf.variableGrads(
    () => softmaxCrossEntropy(forward(uboostSpace, plan, params, shard.x, {}), shard.y),
    variables,
  );
  const statistics = [];
  tf.tidy(() => forward(uboostSpace, plan, params, shard.x, { statistics }));
  const combined = lockstep
    ? combineShares(lockstep, shard, variables, grads, statistics, []).grads
    : grads;
  const out = { grads: {}, means: statistics.map(({ mean }) => Array.from(mean)) };
  for (const [name, values] of Object.entries(combined)) out.grads[keyOf.get(name)] = Array.from(values instanceof Float64Array ? values : values.dataSync());
  return out;
}
`;

const dist = pathToFileURL(join(projectRoot(), "dist", "src")).href;
// Inside the project, so the modules' own imports (tfjs) resolve as they do for dist.
const dir = mkdtempSync(join(projectRoot(), "node_modules", ".uboost-shards-"));
const figuresFile = join(dir, "figures.mjs");
const workerFile = join(dir, "rank.mjs");

type Figures = { grads: Record<string, number[]>; means: number[][] };

beforeAll(async () => {
  await selectBackend("wasm");
  writeFileSync(figuresFile, source(dist));
  writeFileSync(
    workerFile,
    `import { serveLockstep } from "${dist}/pool/lockstepRun.js";
     import { selectBackend } from "${dist}/train/backend.js";
     import { figures } from "./figures.mjs";
     serveLockstep(async (batch, lockstep) => { await selectBackend("wasm"); return figures(batch, lockstep); });`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a batch shared among ranks", () => {
  it("shares are contiguous, cover the batch once, and differ in size by at most one", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 64 }),
        (size, ranks) => {
          let next = 0;
          const counts: number[] = [];
          for (let rank = 0; rank < ranks; rank++) {
            const { start, count } = shardRange(size, rank, ranks);
            expect(start).toBe(next);
            next += count;
            counts.push(count);
          }
          expect(next).toBe(size);
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it.each([2, 3])(
    "gradients combined over %i ranks equal the whole batch's, as do the batch-norm means",
    async (ranks) => {
      const batch = 7; // shares of 4 + 3, and 3 + 2 + 2
      const { figures } = (await import(pathToFileURL(figuresFile).href)) as {
        figures: (batch: number) => Figures;
      };
      const whole = tf.tidy(() => figures(batch));
      const shared = await runLockstep<number, Figures>(workerFile, ranks, batch);
      expect(Object.keys(shared.grads).sort()).toEqual(Object.keys(whole.grads).sort());
      for (const [key, expected] of Object.entries(whole.grads)) {
        const scale = Math.max(...expected.map(Math.abs), 1e-3);
        const worst = Math.max(...shared.grads[key].map((g, i) => Math.abs(g - expected[i])));
        expect(worst / scale, key).toBeLessThan(1e-4);
      }
      expect(shared.means.length).toBe(whole.means.length);
      // The first BN (the stem's) sees the images themselves: its shares' weighted means add up
      // to the batch's mean exactly, up to float rounding.
      const [stem] = whole.means;
      for (const [c, mean] of stem.entries()) expect(shared.means[0][c]).toBeCloseTo(mean, 5);
    },
  );
});
