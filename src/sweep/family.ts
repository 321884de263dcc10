/**
 * A parametric family of one-layer networks: each field is one value, a range or a list, and the
 * family is their cross product. The paper's Fig. 4 is "conv:k=3,c=128,f=8..512,h=32,w=32"
 * (utilization against output channels); "conv:k=3,c=8..512:8,f=8..512:8,h=32,w=32" is its
 * utilization heatmap over input × output channels.
 *
 * Member order: the fields in the order written, the last one varying fastest (nested loops), so
 * member m's value of each field is one digit of m in mixed radix.
 */
import { InputError } from "../errors.js";
import { type EngineKind, engineKindOf, type Layer } from "../layers/layer.js";
import { validateLayer } from "../layers/validate.js";

export interface FamilyField {
  /** as written: k, k1, k2, c, f, h, w, stride or dilation */
  name: string;
  /** one value, or the range's/list's values in order */
  values: number[];
  /** members between two steps of this field: the product of the later fields' lengths */
  stride: number;
}

export interface LayerFamily {
  /** the spec as written; it names the family in the summary and in every row */
  label: string;
  type: string;
  fields: FamilyField[];
  count: number;
}

/** The layer fields a family may set; "k" sets k1 = k2. Batch comes from --batches. */
const familyFields = ["k", "k1", "k2", "c", "f", "h", "w", "stride", "dilation"];

/** k sets both kernel sides, so k with k1 or k2 gives a side twice. */
const sameKernel = (a: string, b: string) =>
  (a === "k" && b[0] === "k") || (b === "k" && a[0] === "k");

const rangePattern = /^(\d+)\.\.(\d+)(?::(\d+))?$/;

/** "conv:k=3,c=8..512:8,f=1|2|4,h=32,w=32" → a family, the cross product of its fields. */
export function parseFamily(spec: string): LayerFamily {
  const fail = (problem: string) => new InputError(`--family "${spec}": ${problem}`);
  const colon = spec.indexOf(":");
  if (colon < 1) throw fail("expected TYPE:FIELD=VALUE,… such as conv:k=3,c=128,f=8..512,h=32");
  const type = spec.slice(0, colon).trim();
  const fields: FamilyField[] = [];
  for (const item of spec.slice(colon + 1).split(",")) {
    const [name, value, extra] = item.split("=").map((part) => part.trim());
    if (value === undefined || extra !== undefined)
      throw fail(`expected FIELD=VALUE, got "${item}"`);
    if (!familyFields.includes(name)) {
      throw fail(`unknown field "${name}" (known: ${familyFields.join(", ")})`);
    }
    if (fields.some((given) => given.name === name || sameKernel(given.name, name))) {
      throw fail(`field ${name} is given twice`);
    }
    fields.push({
      name,
      values: fieldValues(value, (problem) => fail(`${name}=${value}: ${problem}`)),
      stride: 1,
    });
  }
  let count = 1;
  for (let i = fields.length - 1; i >= 0; i--) {
    fields[i].stride = count;
    count *= fields[i].values.length;
  }
  if (!/\.\.|\|/.test(spec))
    throw fail("one field must be a range FROM..TO[:STEP] or a list A|B, e.g. f=8..512");
  const family = { label: spec, type, fields, count };
  validateFamily(family);
  return family;
}

/** "3", "8..512:8" or "1|3|5" (items of a list may be ranges) → the values in order. */
function fieldValues(text: string, fail: (problem: string) => InputError): number[] {
  const values: number[] = [];
  for (const item of text.split("|").map((part) => part.trim())) {
    const match = rangePattern.exec(item);
    if (match) {
      const [from, to, step] = [match[1], match[2], match[3] ?? "1"].map(Number);
      if (from < 1 || step < 1 || to < from) {
        throw fail(`range ${item}: need 1 ≤ FROM ≤ TO and STEP ≥ 1`);
      }
      for (let value = from; value <= to; value += step) values.push(value);
    } else if (/^\d+$/.test(item) && Number(item) >= 1) values.push(Number(item));
    else throw fail("expected a positive integer, a range FROM..TO[:STEP] or a list A|B|C");
  }
  if (new Set(values).size !== values.length) throw fail("a value is listed twice");
  return values;
}

/**
 * Every value of every field, each with the other fields at their first value, makes a valid
 * layer. That covers the cross product: the one rule joining two fields (a dwconv's f = c) holds
 * for all of c × f only if both are one equal value, and fails on one of these otherwise.
 */
function validateFamily(family: LayerFamily): void {
  const where = `--family "${family.label}"`;
  family.fields.forEach((field, index) => {
    for (const value of field.values) {
      const raw = layerRecord(family, (i) => (i === index ? value : family.fields[i].values[0]));
      validateLayer(raw, where, 1);
    }
  });
}

/** Field `index`'s value in `member`: one digit of the member index. */
export function fieldValue(family: LayerFamily, index: number, member: number): number {
  const { values, stride } = family.fields[index];
  return values[Math.floor(member / stride) % values.length];
}

/** The fields that take more than one value: the family's axes (columns of its rows). */
export function varyingFields(family: LayerFamily): FamilyField[] {
  return family.fields.filter((field) => field.values.length > 1);
}

function layerRecord(
  family: LayerFamily,
  valueAt: (fieldIndex: number) => number,
): Record<string, unknown> {
  const raw: Record<string, unknown> = { name: family.label, type: family.type };
  family.fields.forEach(({ name }, i) => {
    if (name === "k") {
      raw.k1 = valueAt(i);
      raw.k2 = valueAt(i);
    } else raw[name] = valueAt(i);
  });
  return raw;
}

/** The member's single layer; validateLayer fills the defaults (k1 = k2 = 1, f = c, ...). */
export function familyLayer(family: LayerFamily, member: number, batch: number): Layer {
  const raw = layerRecord(family, (i) => fieldValue(family, i, member));
  return validateLayer(raw, `--family "${family.label}"`, batch);
}

/**
 * Where each engine input of a member comes from: a field index, or a constant (the defaults
 * validateLayer fills: k1 = k2 = 1, f = c). Lets a worker fill the engine's columns for a
 * million members without building a Layer each; test/sweep holds it to familyLayer.
 */
export interface FamilyEngineMap {
  kind: EngineKind;
  /** k1, k2, c, f, h, w: a field index (≥ 0), or -value for a constant */
  sources: [number, number, number, number, number, number];
}

export function familyEngineMap(family: LayerFamily): FamilyEngineMap {
  const template = familyLayer(family, 0, 1);
  const index = (name: string) => family.fields.findIndex((field) => field.name === name);
  const source = (names: string[], fallback: number) => {
    for (const name of names) if (index(name) >= 0) return index(name);
    return -fallback;
  };
  const c = source(["c"], template.c);
  return {
    kind: engineKindOf[template.type],
    sources: [
      source(["k1", "k"], 1),
      source(["k2", "k"], 1),
      c,
      index("f") >= 0 ? index("f") : c,
      source(["h"], template.h),
      source(["w"], template.w),
    ],
  };
}
