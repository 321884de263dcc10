/** What the report tests read off a page, and the browser check they share. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { projectRoot } from "../../src/projectRoot.js";
import { checkPage, chromiumPath, hasChromium } from "./browser.js";

/** The value of a page's JSON script block. */
export function pageJson(page: string, id: string) {
  const match = page.match(
    new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`, "s"),
  );
  expect(match, id).not.toBeNull();
  return JSON.parse((match as RegExpMatchArray)[1]);
}

/** The hrefs of the page's source-file list. */
export function sourceLinks(page: string): string[] {
  const list = page.slice(page.indexOf("<h2>Source files</h2>"));
  return [...list.matchAll(/<a href="([^"]+)">/g)].map((match) => match[1]);
}

/** Screenshots land here (ignored by git) for a person to look at. */
export const artifacts = join(projectRoot(), "test-artifacts");

/**
 * Without Chromium the browser checks skip, loudly; under CI (CI set, as .ci/run does, and it
 * installs Chromium) they run and fail instead.
 */
export const browserIt = hasChromium() || process.env.CI ? it : it.skip;
if (!hasChromium() && !process.env.CI) {
  process.stderr.write(
    `SKIPPING the report browser checks: no ${chromiumPath} (apt-get install chromium)\n`,
  );
}

export async function expectEveryChartDrawn(
  file: string,
  screenshot: string,
  charts: number,
  hoverPoints = false,
) {
  mkdirSync(artifacts, { recursive: true });
  const check = await checkPage(file, join(artifacts, screenshot), hoverPoints);
  expect(check.errors).toEqual([]);
  expect(check.charts).toBe(charts);
  expect(check.drawn).toBe(charts);
  expect(check.errorText).toBe(false);
  return check;
}
