/**
 * `uboost report` of a smoke Pareto study (two cost models): the page's tables and fronts are the
 * study's own, a study in progress lists its running tasks, and in headless Chromium every chart
 * draws and every point of the accuracy–runtime plot names its task when hovered.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../src/projectRoot.js";
import { runCli } from "../cli/runCli.js";
import { browserIt, expectEveryChartDrawn, pageJson } from "./pageCheck.js";

const data = join(projectRoot(), "data", "cifar10-mini");
const root = mkdtempSync(join(tmpdir(), "uboost-report-pareto-"));
const study = join(root, "study");
const tasks = ["systolic-l0.5-s0", "flops-l0.5-s0"];
let ran: { models: { model: string; hypervolume: number }[]; table: object[] };

beforeAll(() => {
  const { status, stdout, stderr } = runCli([
    "pareto",
    "--data",
    data,
    "--preset",
    "smoke",
    "--lambdas",
    "0.5",
    "--hw-models",
    "systolic,flops",
    "--seeds",
    "0",
    "--workers",
    "2",
    "--out",
    study,
    "--json",
  ]);
  expect(status, stderr).toBe(0);
  ran = JSON.parse(stdout);
}, 180_000);

describe("uboost report of a Pareto study", () => {
  it("shows the study's fronts, hypervolumes and Table 4, a cell per model, the channels", () => {
    const { status, stdout, stderr } = runCli(["report", study, "--json"]);
    expect(status, stderr).toBe(0);
    // the accuracy–runtime plot, a cell per model, the channel histogram
    expect(JSON.parse(stdout)).toMatchObject({ kind: "pareto", finished: true, charts: 4 });
    const page = readFileSync(join(study, "report.html"), "utf8");
    const report = pageJson(page, "uboost-data");
    // read back from results.csv, the summary is what the study computed as it ran
    expect(report.summary.models).toEqual(ran.models);
    expect(report.summary.table).toEqual(ran.table);
    expect(report.records.map((record: { task: { key: string } }) => record.task.key)).toEqual(
      tasks,
    );
    for (const task of tasks) expect(page).toContain(`href="tasks/${task}/arch.json"`);
  });

  it("lists the tasks of a study in progress with how far each got", () => {
    const partial = join(root, "partial");
    const task = join(partial, "tasks", tasks[0]);
    mkdirSync(task, { recursive: true });
    copyFileSync(join(study, "pareto.json"), join(partial, "pareto.json"));
    for (const file of ["state.json", "metrics.jsonl"])
      copyFileSync(join(study, "tasks", tasks[0], file), join(task, file));
    const { status, stdout, stderr } = runCli(["report", partial, "--json"]);
    expect(status, stderr).toBe(0);
    const written = JSON.parse(stdout);
    expect(written).toMatchObject({ finished: false, charts: 1 });
    expect(written.status).toBe("in progress: 0 tasks finished, 0 failed, 1 running");
    const report = pageJson(readFileSync(join(partial, "report.html"), "utf8"), "uboost-data");
    expect(report.running).toEqual([{ key: tasks[0], progress: "final epoch 1" }]);
  });

  browserIt(
    "opens from file:// with no network; every point's tooltip names its task",
    async () => {
      runCli(["report", study]);
      const check = await expectEveryChartDrawn(
        join(study, "report.html"),
        "report-pareto.png",
        4,
        true,
      );
      expect(check.pointTooltips).toHaveLength(tasks.length);
      for (const task of tasks)
        expect(
          check.pointTooltips.some((text) => text.includes(task)),
          task,
        ).toBe(true);
    },
  );
});
