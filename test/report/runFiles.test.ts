import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJsonLines } from "../../src/report/runFiles.js";

describe("readJsonLines", () => {
  const dir = mkdtempSync(join(tmpdir(), "uboost-jsonl-"));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("leaves out a last line torn by a kill mid-append (no newline, not JSON)", () => {
    const path = file("torn.jsonl", '{"epoch":1}\n{"epoch":2}\n{"epo');
    expect(readJsonLines(path)).toEqual([{ epoch: 1 }, { epoch: 2 }]);
  });

  it("keeps a complete last line without its newline", () => {
    expect(readJsonLines(file("whole.jsonl", '{"epoch":1}\n{"epoch":2}'))).toEqual([
      { epoch: 1 },
      { epoch: 2 },
    ]);
  });

  it("refuses a malformed line that is followed by another, naming file and line", () => {
    const path = file("bad.jsonl", '{"epoch":1}\n{"epo\n{"epoch":3}\n');
    expect(() => readJsonLines(path)).toThrow(/bad\.jsonl line 2: malformed JSON/);
  });

  it("refuses a malformed last line that ends in a newline: it was written whole", () => {
    const path = file("badEnd.jsonl", '{"epoch":1}\n{"epo\n');
    expect(() => readJsonLines(path)).toThrow(/badEnd\.jsonl line 2: malformed JSON/);
  });
});
