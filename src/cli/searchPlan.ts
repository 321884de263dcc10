import { readSearchSpace, uboostSpace } from "../model/space.js";
import { presetClasses } from "../search/settings.js";
import { type SearchPlanSummary, type StageSummary, searchPlan } from "../search/stagePlan.js";
import { renderTable } from "./format.js";
import { type SearchArgs, searchSettings } from "./searchFlags.js";

/** `uboost search --plan`: the layout each stage would train, without data or training. */
export function printSearchPlan(args: SearchArgs): void {
  const settings = searchSettings(args);
  const space = args.space ? readSearchSpace(args.space) : uboostSpace;
  const plan = searchPlan(space, settings, presetClasses(settings));
  process.stdout.write(args.json ? `${JSON.stringify(plan)}\n` : `${planText(plan)}\n`);
}

function planText(plan: SearchPlanSummary): string {
  const { stem } = plan;
  const { micro, channel } = plan.stages;
  const range = channel.searchedChannels;
  return [
    `stem: 3×3 conv ${stem.inChannels} → ${stem.outChannels}, BN, ReLU at ${stem.resolution} px, 2×2 max-pool → ${stem.outResolution} px`,
    "",
    `micro stage (layout ${micro.layout}; every searched conv ${micro.cells[0].channels} channels):`,
    stageText(micro),
    "",
    `channel stage and final network (layout ${channel.layout}; channels searched in ${range?.min}:${range?.max}:${range?.step}, the widest shown):`,
    stageText(channel),
  ].join("\n");
}

function stageText(stage: StageSummary): string {
  const rows = stage.cells.map((cell) => [
    cell.index,
    cell.resolution,
    cell.inChannels.x_p,
    cell.inChannels.x_pp,
    cell.xppStride,
    cell.channels,
    cell.poolAfter ? "yes" : "no",
    cell.outResolution,
  ]);
  const { head } = stage;
  return [
    renderTable(
      ["cell", "resolution", "x_p ch", "x_pp ch", "x_pp stride", "channels", "max-pool", "out"],
      rows,
      0,
    ),
    `head: flatten ${head.resolution}×${head.resolution}×${head.channels} = ${head.features} → linear → ${head.classes} classes`,
  ].join("\n");
}
