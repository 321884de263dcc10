import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { joinDashValues } from "../../src/cli/flags/dashValues.js";
import { runCli } from "./runCli.js";

describe("values that start with a dash", () => {
  it("are joined to the long flag before them, nowhere else", () => {
    expect(joinDashValues(["cost", "--array", "-8x8", "--json"])).toEqual([
      "cost",
      "--array=-8x8",
      "--json",
    ]);
    // already joined, after a value, a double-dash word, or past "--": left as they are
    expect(joinDashValues(["--array=-8x8", "-1", "--sram", "--bw", "--", "--x", "-1"])).toEqual([
      "--array=-8x8",
      "-1",
      "--sram",
      "--bw",
      "--",
      "--x",
      "-1",
    ]);
  });

  it("lose no token and change none but by joining a pair with '='", () => {
    const token = fc.oneof(
      fc.constantFrom("--array", "--json", "--", "-", "-8x8", "-1MB", "8x8", "--sram=-1"),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 12 }), (tokens) => {
        const joined = joinDashValues(tokens);
        // rebuilding: each joined pair "--flag=-value" came from two adjacent tokens
        const rebuilt: string[] = [];
        let source = 0;
        for (const t of joined) {
          if (t === tokens[source]) {
            rebuilt.push(t);
            source += 1;
          } else {
            expect(t).toBe(`${tokens[source]}=${tokens[source + 1]}`);
            expect(tokens[source + 1].startsWith("-")).toBe(true);
            rebuilt.push(tokens[source], tokens[source + 1]);
            source += 2;
          }
        }
        expect(rebuilt).toEqual(tokens);
      }),
    );
  });
});

const layer = [
  "cost",
  "--type",
  "conv",
  "--k",
  "3",
  "--c",
  "16",
  "--f",
  "16",
  "--h",
  "8",
  "--w",
  "8",
];

describe("dash-led values on the command line", () => {
  const cases: [string[], string][] = [
    [[...layer, "--array", "-8x8"], '--array, field rows: must be a positive integer (got "-8")'],
    [[...layer, "--array", "8x-8"], '--array, field cols: must be a positive integer (got "-8")'],
    [[...layer, "--sram", "-1MB"], '--sram: must be a positive size (got "-1MB")'],
    [[...layer, "--bw", "-80"], '--bw: must be a positive number (got "-80")'],
    [[...layer, "--clock", "-1e9"], '--clock: must be a positive number (got "-1e9")'],
    [[...layer, "--json", "-x"], '--json: a switch, takes no value (got "-x")'],
    [[...layer, "--json=yes"], '--json: a switch, takes no value (got "yes")'],
    [
      ["sweep", "--nets", "vgg16", "--arrays", "16x16,-8x8", "--out", "never.csv"],
      '--arrays, field rows: must be a positive integer (got "-8")',
    ],
    [
      ["train", "--seed", "-3", "--arch", "a", "--data", "d", "--out", "o"],
      '--seed: must be an integer >= 0 (got "-3")',
    ],
  ];
  it.each(cases)("%j → exit 2, one line naming the flag", (args, message) => {
    const { status, stderr, stdout } = runCli(args);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(`uboost: ${message}\n`);
  });
});
