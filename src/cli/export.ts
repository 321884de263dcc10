import type { Argv } from "yargs";
import { writeFileAtomic } from "../files/atomicWrite.js";
import { checkOutputFile } from "../files/outputPath.js";
import { encodeModel } from "../onnx/proto.js";

interface ExportArgs {
  run: string;
  out: string;
  json: boolean;
}

export const exportCommand = {
  command: "export",
  describe: "A trained network (search or train run) as an ONNX model, opset 13",
  builder: (yargs: Argv) =>
    yargs
      .option("run", {
        type: "string",
        demandOption: true,
        describe: "folder of a finished search or train run",
      })
      .option("out", { type: "string", demandOption: true, describe: "FILE.onnx" })
      .option("json", { type: "boolean", default: false, describe: "one JSON object on stdout" })
      .example("$0 export --run runs/demo --out demo.onnx", "the demo search's final network"),
  handler: async (args: ExportArgs) => {
    checkOutputFile(args.out, "--out");
    // Reading the weights pulls in tfjs; other commands start faster without it.
    const { readSavedModel } = await import("../train/savedModel.js");
    const { onnxInputName, onnxModel, onnxOutputName } = await import("../model/onnxGraph.js");
    const { version } = await import("./version.js");
    const saved = readSavedModel(args.run);
    const bytes = encodeModel(onnxModel(saved.arch, saved.weights, saved.normalization, version));
    writeFileAtomic(args.out, bytes);
    const { resolution, inChannels, classes } = saved.arch.shape;
    const summary = {
      out: args.out,
      bytes: bytes.byteLength,
      input: { name: onnxInputName, shape: ["batch", inChannels, resolution, resolution] },
      output: { name: onnxOutputName, shape: ["batch", classes] },
      normalization: saved.normalization,
      testTop1: saved.testTop1,
    };
    process.stdout.write(
      args.json
        ? `${JSON.stringify(summary)}\n`
        : `${args.out}: ONNX opset 13, input "${onnxInputName}" float32 N×${inChannels}×${resolution}×${resolution} RGB in [0, 1], output "${onnxOutputName}" N×${classes} (${bytes.byteLength.toLocaleString("en-US")} bytes)\n`,
    );
  },
};
