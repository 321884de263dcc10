import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../src/projectRoot.js";
import { runCli } from "./runCli.js";

// --resume on a damaged folder: one line naming the file, exit 2, before any banner, and the
// folder left as it was.
const data = join(projectRoot(), "data", "cifar10-mini");
const dir = mkdtempSync(join(tmpdir(), "uboost-damaged-"));
const searched = join(dir, "search");
const trained = join(dir, "train");

const search = (out: string) =>
  runCli(["search", "--data", data, "--preset", "smoke", "--out", out, "--resume"]);
const train = (out: string) =>
  runCli([
    "train",
    "--arch",
    join(searched, "arch.json"),
    "--data",
    data,
    "--epochs",
    "1",
    "--images-per-class",
    "2",
    "--out",
    out,
    "--resume",
  ]);

beforeAll(() => {
  for (const run of [search(searched), train(trained)]) expect(run.status, run.stderr).toBe(0);
}, 120_000);

/** The binary file beside checkpoint JSON `json`, as the JSON names it. */
const binOf = (folder: string, json: string) =>
  join(
    folder,
    dirname(json),
    JSON.parse(readFileSync(join(folder, json), "utf8")).weightsManifest[0].paths[0],
  );

function listing(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: "utf8" })
    .sort()
    .map((file) => `${file} ${statSync(join(folder, file)).size}`);
}

type Damage = (folder: string) => void;
const randomBytes =
  (json: string): Damage =>
  (folder) => {
    const bin = binOf(folder, json);
    const bytes = readFileSync(bin);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (bytes[i] + 1 + ((i * 7919) % 255)) & 255;
    writeFileSync(bin, bytes);
  };
const truncateBin =
  (json: string): Damage =>
  (folder) =>
    truncateSync(binOf(folder, json), 100);
const truncateJson =
  (json: string): Damage =>
  (folder) =>
    truncateSync(join(folder, json), 100);
const emptyObject =
  (json: string): Damage =>
  (folder) =>
    writeFileSync(join(folder, json), "{}");

const cases: [string, "search" | "train", Damage, RegExp][] = [
  [
    "micro checkpoint overwritten",
    "search",
    randomBytes("checkpoint-micro.json"),
    /checkpoint-micro-[0-9a-f]{16}\.bin: checksum differs from the one in checkpoint-micro\.json/,
  ],
  [
    "channel checkpoint truncated",
    "search",
    truncateBin("checkpoint-channel.json"),
    /checkpoint-channel-[0-9a-f]{16}\.bin: 100 bytes where checkpoint-channel\.json describes \d+ \(truncated or replaced\)/,
  ],
  [
    "final checkpoint overwritten",
    "search",
    randomBytes("final/checkpoint.json"),
    /final\/checkpoint-[0-9a-f]{16}\.bin: checksum differs/,
  ],
  ["state.json truncated", "search", truncateJson("state.json"), /state\.json: malformed JSON/],
  [
    "state.json of {}",
    "search",
    emptyObject("state.json"),
    /state\.json: not a search state \(settings, backend or metrics missing\)/,
  ],
  [
    "checkpoint-channel.json of {}",
    "search",
    emptyObject("checkpoint-channel.json"),
    /checkpoint-channel\.json: not a weights file/,
  ],
  [
    "train checkpoint overwritten",
    "train",
    randomBytes("checkpoint.json"),
    /checkpoint-[0-9a-f]{16}\.bin: checksum differs from the one in checkpoint\.json/,
  ],
  [
    "train checkpoint truncated",
    "train",
    truncateBin("checkpoint.json"),
    /checkpoint-[0-9a-f]{16}\.bin: 100 bytes where/,
  ],
  [
    "train checkpoint.json truncated",
    "train",
    truncateJson("checkpoint.json"),
    /checkpoint\.json: malformed JSON/,
  ],
  [
    "train checkpoint.json of {}",
    "train",
    emptyObject("checkpoint.json"),
    /checkpoint\.json: not a weights file/,
  ],
];

describe("--resume on a damaged folder", () => {
  it.each(cases)(
    "%s: %s refuses with one line, exit 2, nothing written",
    (_, command, damage, message) => {
      const folder = mkdtempSync(join(dir, "copy-"));
      cpSync(command === "search" ? searched : trained, folder, { recursive: true });
      damage(folder);
      const before = listing(folder);
      const { status, stdout, stderr } = command === "search" ? search(folder) : train(folder);
      expect(status).toBe(2);
      expect(stdout).toBe("");
      expect(stderr.split("\n")).toEqual([expect.stringMatching(/^uboost: /), ""]);
      expect(stderr).toMatch(message);
      expect(listing(folder)).toEqual(before);
    },
  );
});

describe("--resume of a folder from before epochs were counted from 1", () => {
  it("renumbers its rows 1, 2, … and reads its stage checkpoints' 0-based epoch", () => {
    const folder = mkdtempSync(join(dir, "old-"));
    cpSync(searched, folder, { recursive: true });
    const state = JSON.parse(readFileSync(join(folder, "state.json"), "utf8"));
    for (const row of state.metrics) row.epoch -= 1;
    writeFileSync(join(folder, "state.json"), JSON.stringify(state));
    for (const stage of ["micro", "channel"]) {
      const path = join(folder, `checkpoint-${stage}.json`);
      const checkpoint = JSON.parse(readFileSync(path, "utf8"));
      const { epochsDone, search: _, ...rest } = checkpoint.state;
      checkpoint.state = { ...rest, epoch: epochsDone - 1 };
      writeFileSync(path, JSON.stringify(checkpoint));
    }
    const { status, stderr } = search(folder);
    expect(status, stderr).toBe(0);
    const rows = readFileSync(join(folder, "metrics.jsonl"), "utf8").trim().split("\n");
    expect(rows.map((line) => JSON.parse(line).epoch)).toEqual([1, 1, 1]);
    expect(readFileSync(join(folder, "metrics.jsonl"))).toEqual(
      readFileSync(join(searched, "metrics.jsonl")),
    );
  });
});
