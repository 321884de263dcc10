import { describe, expect, it } from "vitest";
import { csvField } from "../../src/files/csv.js";

describe("csvField (RFC 4180)", () => {
  it("leaves plain text alone and quotes commas, quotes and line breaks", () => {
    expect(csvField("resnet18")).toBe("resnet18");
    expect(csvField("")).toBe("");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\r")).toBe('"cr\r"');
  });
});
