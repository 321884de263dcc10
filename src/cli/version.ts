import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../projectRoot.js";

/** uboost's version, as package.json states it. */
export const version: string = JSON.parse(
  readFileSync(join(projectRoot(), "package.json"), "utf8"),
).version;
