/** A rank of `trainInWorkers`: its own tfjs, its own copy of the data and of the weights. */
import { loadTrainingData } from "../data/trainingData.js";
import { postedEpochs } from "../pool/lockstepEpochs.js";
import { serveLockstep } from "../pool/lockstepRun.js";
import { selectBackend } from "./backend.js";
import type { TrainJob } from "./trainInWorkers.js";
import { type TrainResult, trainNetwork } from "./trainNetwork.js";

serveLockstep<TrainJob, TrainResult>(async (job, lockstep, progress) => {
  await selectBackend(job.backend);
  const data = await loadTrainingData(job.dataFolder, job.dataOptions);
  return trainNetwork(job.arch, data, {
    ...job.options,
    lockstep,
    ...postedEpochs(progress),
  });
});
