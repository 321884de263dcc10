/** --data of search, train and pareto: what loadTrainingData reads. */
export const dataFolderHelp =
  "CIFAR-10 binary folder, or an image folder with train/ and val/ of one subfolder per class";
