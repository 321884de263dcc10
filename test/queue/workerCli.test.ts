import { describe, expect, it } from "vitest";
import { runCli } from "../cli/runCli.js";

describe("uboost worker refusals", () => {
  const bad: [string[], RegExp][] = [
    [
      ["--queue", "redis://:hunter22@127.0.0.1:1"],
      /^uboost: --queue: cannot use redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0 \(/,
    ],
    [
      ["--queue", "redis://127.0.0.1:1", "--concurrency", "0"],
      /--concurrency: must be a positive integer/,
    ],
    [
      ["--queue", "redis://127.0.0.1:1", "--lock-seconds", "x"],
      /--lock-seconds: must be a positive integer/,
    ],
    [
      ["--queue", "redis://127.0.0.1:1", "--data-root", "nowhere"],
      /--data-root: nowhere: no such folder/,
    ],
    [["--queue", "ftp://h"], /--queue: ftp:\/\/h is not a redis:\/\/ or rediss:\/\/ URL/],
  ];
  for (const [args, message] of bad) {
    it(`rejects ${args.join(" ")} with one line on stderr, exit 2, no password`, () => {
      const { status, stderr } = runCli(["worker", ...args]);
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(stderr).not.toContain("hunter22");
      expect(status).toBe(2);
    });
  }
});
