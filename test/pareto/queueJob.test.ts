import { describe, expect, it } from "vitest";
import { packedFilesProblem } from "../../src/files/folderPack.js";
import { checkJobResult, checkParetoJob, jobIdOf } from "../../src/pareto/queue/job.js";
import { smokeJob } from "../queue/smokeJob.js";

const job = smokeJob({ path: "data/cifar10-mini", hash: "ab".repeat(32) }, 3);
const { settings } = job.task;
const refusal = (raw: unknown) => {
  try {
    checkParetoJob(raw);
  } catch (error) {
    return (error as Error).message;
  }
  return "accepted";
};

describe("pareto queue jobs", () => {
  it("a coordinator's payload passes, survives JSON, and keeps its id", () => {
    const copy = JSON.parse(JSON.stringify(job));
    expect(checkParetoJob(copy)).toEqual(job);
    expect(jobIdOf(copy)).toBe(jobIdOf(job));
    expect(jobIdOf(job)).toMatch(/^flops-l0\.5-s3-[0-9a-f]{16}$/);
    expect(jobIdOf({ ...job, data: { ...job.data, hash: "cd".repeat(32) } })).not.toBe(
      jobIdOf(job),
    );
  });

  it("refuses paths out of the data root, foreign fields and settings that do not add up", () => {
    const cases: [unknown, RegExp][] = [
      [
        { ...job, data: { ...job.data, path: "../x" } },
        /data\.path "\.\.\/x" must not contain empty, \. or \.\. segments/,
      ],
      [{ ...job, data: { ...job.data, path: "/etc" } }, /data\.path "\/etc" must be relative/],
      [{ ...job, data: { ...job.data, path: "a/../../b" } }, /must not contain/],
      [{ ...job, data: { ...job.data, path: "a\\..\\b" } }, /must use \/ between names/],
      [{ ...job, data: { ...job.data, hash: "xyz" } }, /data\.hash must be 64 hex digits/],
      [{ ...job, task: { ...job.task, key: "../../etc" } }, /task: key must be "flops-l0\.5-s3"/],
      [{ ...job, task: { ...job.task, seed: 4 } }, /model, lambda and seed must be the settings'/],
      [
        { ...job, task: { ...job.task, settings: { ...settings, batch: -1 } } },
        /settings field batch: must be an integer >= 1/,
      ],
      [
        { ...job, task: { ...job.task, settings: { ...settings, out: "/tmp" } } },
        /settings field out: not a known field/,
      ],
      [
        {
          ...job,
          task: { ...job.task, settings: { ...settings, channels: { min: 4, max: "x", step: 4 } } },
        },
        /settings field channels\.max: must be an integer >= 1/,
      ],
      [{ ...job, shell: "rm -rf /" }, /field shell: not a known field/],
      [{ ...job, format: "other/9" }, /format is "other\/9"/],
      [{ ...job, space: { ops: {} } }, /^job payload: space, field ops: /],
      [{ ...job, backend: "gpu" }, /backend must be one of tensorflow, onnxruntime, wasm, cpu/],
      [{ ...job, table: { format: "nope" } }, /table: format is "nope"/],
      [null, /job payload: not an object/],
    ];
    for (const [raw, message] of cases) {
      expect(refusal(raw)).toMatch(/^job payload: /);
      expect(refusal(raw)).toMatch(message);
    }
  });

  it("a result's files must stay in the task's folder", () => {
    const ok = {
      worker: "w",
      seconds: 1,
      files: [{ path: "final/model/model.json", base64: "e30=" }],
    };
    expect(checkJobResult(ok, "j")).toEqual(ok);
    for (const path of ["../x", "/abs", "a//b", "./a"]) {
      expect(() => checkJobResult({ ...ok, files: [{ path, base64: "" }] }, "j")).toThrow(
        /^job j result: files\[0\]\.path must/,
      );
    }
    expect(packedFilesProblem([{ path: "a", base64: "not base64!" }])).toMatch(/base64 text/);
  });
});
