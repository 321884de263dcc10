import { uboostSpace } from "../../src/model/space.js";
import { jobFormat, type ParetoJob } from "../../src/pareto/queue/job.js";
import { taskKey } from "../../src/pareto/tasks.js";
import { presetByName } from "../../src/search/settings.js";

/** The job a coordinator sends for flops, λ 0.5, seed `seed` on the smoke preset. */
export function smokeJob(data: { path: string; hash: string }, seed = 0): ParetoJob {
  const settings = {
    ...presetByName("smoke"),
    preset: "smoke" as const,
    hwModel: "flops",
    seed,
    lambda: 0.5,
    beta: 0,
  };
  return {
    format: jobFormat,
    task: {
      key: taskKey("flops", 0.5, seed),
      model: "flops",
      lambda: 0.5,
      seed,
      beta: 0,
      settings,
    },
    data,
    space: uboostSpace,
  };
}
