/**
 * SearchSettings that arrive as data from elsewhere (a queued job) checked field by field before
 * a search runs on them: every field present with its kind and range, nothing else.
 */
import { searchModelNames } from "./costSurface.js";
import { costTermNames, presetNames, type SearchSettings } from "./settings.js";

type Check = (value: unknown) => string | undefined;

const isCount = (min: number) => (value: unknown) =>
  Number.isSafeInteger(value) && (value as number) >= min;
const integer =
  (min: number): Check =>
  (value) =>
    isCount(min)(value) ? undefined : `must be an integer >= ${min}`;
const number =
  (min: number, max = Number.POSITIVE_INFINITY): Check =>
  (value) =>
    typeof value === "number" && Number.isFinite(value) && value >= min && value <= max
      ? undefined
      : `must be a number in [${min}, ${max}]`;
const oneOf =
  (names: readonly string[]): Check =>
  (value) =>
    names.includes(value as string) ? undefined : `must be one of ${names.join(", ")}`;
const record =
  (fields: Record<string, Check>): Check =>
  (value) =>
    objectProblem(value, fields);
const layout: Check = (value) =>
  Array.isArray(value) && value.length > 0 && value.every((cell) => typeof cell === "boolean")
    ? undefined
    : "must be a non-empty list of true/false";

const settingsFields: Record<keyof SearchSettings, Check> = {
  preset: oneOf(presetNames),
  hwModel: oneOf(searchModelNames),
  costTerms: oneOf(costTermNames),
  array: record({ rows: integer(1), cols: integer(1) }),
  lambda: number(0),
  beta: number(0),
  channels: record({ min: integer(1), max: integer(1), step: integer(1) }),
  microChannels: integer(1),
  stemChannels: integer(1),
  microLayout: layout,
  channelLayout: layout,
  seed: integer(0),
  classSubset: oneOf(["all", "imagenet100"]),
  augmentation: oneOf(["pad-crop", "resized-crop"]),
  imagesPerClass: integer(0),
  resolution: integer(1),
  batch: integer(1),
  hardwareBatch: integer(1),
  microEpochs: integer(0),
  channelEpochs: integer(0),
  finalEpochs: integer(0),
  finalBatch: integer(1),
  weightShare: number(0, 1),
  weightLr: number(0),
  weightMomentum: number(0, 1),
  archLr: number(0),
  finalLr: number(0),
};

/** What is wrong with `value` as SearchSettings ("field lambda: must be …"), or undefined. */
export function settingsProblem(value: unknown): string | undefined {
  return objectProblem(value, settingsFields);
}

function objectProblem(value: unknown, fields: Record<string, Check>): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return "must be an object";
  const extra = Object.keys(value).find((key) => !Object.hasOwn(fields, key));
  if (extra !== undefined) return `field ${extra}: not a known field`;
  for (const [field, check] of Object.entries(fields)) {
    const problem = check((value as Record<string, unknown>)[field]);
    if (problem !== undefined)
      return problem.startsWith("field ")
        ? `field ${field}.${problem.slice(6)}`
        : `field ${field}: ${problem}`;
  }
  return undefined;
}
