/**
 * A parametric family of one-layer networks, one field swept over a range: the paper's Fig. 4
 * is "conv:k=3,c=128,f=8..512,h=32,w=32" (utilization against output channels).
 */
import { InputError } from "../errors.js";
import type { Layer } from "../layers/layer.js";
import { validateLayer } from "../layers/validate.js";

export interface LayerFamily {
  /** the spec as written; it names the family in the summary */
  label: string;
  type: string;
  /** every field as given, in order; the varying one holds its first value */
  fields: [string, number][];
  /** position of the varying field in `fields` */
  varyingIndex: number;
  step: number;
  count: number;
}

/** The layer fields a family may set; "k" sets k1 = k2. Batch comes from --batches. */
const familyFields = ["k", "k1", "k2", "c", "f", "h", "w", "stride", "dilation"];

/** k sets both kernel sides, so k with k1 or k2 gives a side twice. */
const sameKernel = (a: string, b: string) =>
  (a === "k" && b[0] === "k") || (b === "k" && a[0] === "k");

const rangePattern = /^(\d+)\.\.(\d+)(?::(\d+))?$/;

/** "conv:k=3,c=128,f=8..512:8,h=32,w=32" → a family; exactly one field is a range. */
export function parseFamily(spec: string): LayerFamily {
  const fail = (problem: string) => new InputError(`--family "${spec}": ${problem}`);
  const colon = spec.indexOf(":");
  if (colon < 1) throw fail("expected TYPE:FIELD=VALUE,… such as conv:k=3,c=128,f=8..512,h=32");
  const type = spec.slice(0, colon).trim();
  const fields: [string, number][] = [];
  let range: { index: number; end: number; step: number } | undefined;
  for (const item of spec.slice(colon + 1).split(",")) {
    const [field, value, extra] = item.split("=").map((part) => part.trim());
    if (value === undefined || extra !== undefined)
      throw fail(`expected FIELD=VALUE, got "${item}"`);
    if (!familyFields.includes(field)) {
      throw fail(`unknown field "${field}" (known: ${familyFields.join(", ")})`);
    }
    if (fields.some(([given]) => given === field || sameKernel(given, field))) {
      throw fail(`field ${field} is given twice`);
    }
    const match = rangePattern.exec(value);
    if (match) {
      if (range) throw fail("only one field may be a range FROM..TO[:STEP]");
      const [from, to, step] = [match[1], match[2], match[3] ?? "1"].map(Number);
      if (from < 1 || step < 1 || to < from) {
        throw fail(`range ${value}: need 1 ≤ FROM ≤ TO and STEP ≥ 1`);
      }
      range = { index: fields.length, end: to, step };
      fields.push([field, from]);
    } else {
      if (!/^\d+$/.test(value) || Number(value) < 1) {
        throw fail(`${field}=${value}: expected a positive integer or a range FROM..TO[:STEP]`);
      }
      fields.push([field, Number(value)]);
    }
  }
  if (!range) throw fail("one field must be a range FROM..TO[:STEP], e.g. f=8..512");
  const start = fields[range.index][1];
  const count = Math.floor((range.end - start) / range.step) + 1;
  const family = { label: spec, type, fields, varyingIndex: range.index, step: range.step, count };
  // The members differ in one field only: if the first and last are valid layers, all are.
  familyLayer(family, 0, 1);
  familyLayer(family, count - 1, 1);
  return family;
}

export function familyValue(family: LayerFamily, member: number): number {
  return family.fields[family.varyingIndex][1] + member * family.step;
}

export function familyField(family: LayerFamily): string {
  return family.fields[family.varyingIndex][0];
}

/** "conv k=3 c=128 f=136 h=32 w=32": the family spec with the member's value, unique per row. */
export function familyMemberName(family: LayerFamily, member: number): string {
  const value = familyValue(family, member);
  const fields = family.fields.map(([field, given], i) =>
    i === family.varyingIndex ? `${field}=${value}` : `${field}=${given}`,
  );
  return `${family.type} ${fields.join(" ")}`;
}

/** The member's single layer; validateLayer fills the defaults (k1 = k2 = 1, f = c, ...). */
export function familyLayer(family: LayerFamily, member: number, batch: number): Layer {
  const raw: Record<string, unknown> = {
    name: familyMemberName(family, member),
    type: family.type,
  };
  const value = familyValue(family, member);
  family.fields.forEach(([field, given], i) => {
    const fieldValue = i === family.varyingIndex ? value : given;
    if (field === "k") {
      raw.k1 = fieldValue;
      raw.k2 = fieldValue;
    } else raw[field] = fieldValue;
  });
  return validateLayer(raw, `--family "${family.label}"`, batch);
}
