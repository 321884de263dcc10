/** A rank of `searchInWorkers`: its own tfjs, cost engine, copy of the data and of the weights. */
import { loadTrainingData } from "../data/trainingData.js";
import { readBlackboxTable } from "../hw/blackbox/tableFile.js";
import { modelContext } from "../hw/models/index.js";
import { postedEpochs } from "../pool/lockstepEpochs.js";
import { serveLockstep } from "../pool/lockstepRun.js";
import { selectBackend } from "../train/backend.js";
import { runSearch, type SearchOutcome } from "./run.js";
import type { SearchJob } from "./searchInWorkers.js";

serveLockstep<SearchJob, SearchOutcome>(async (job, lockstep, progress) => {
  await selectBackend(job.backend);
  const blackboxTable = job.tablePath === undefined ? undefined : readBlackboxTable(job.tablePath);
  return runSearch({
    settings: job.settings,
    space: job.space,
    data: await loadTrainingData(job.dataFolder, job.dataOptions),
    outDir: job.outDir,
    resume: job.resume,
    backend: job.backend,
    context: modelContext({ blackboxTable }),
    lockstep,
    ...postedEpochs(progress),
  });
});
