/**
 * Opens a report page in Debian's headless Chromium (playwright-core drives it; no browser is
 * ever downloaded) from a file:// URL with every other request aborted, waits for the charts,
 * and says what it found: charts drawn, console errors, error text, a full-page screenshot.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

export const chromiumPath = "/usr/bin/chromium";
export const hasChromium = () => existsSync(chromiumPath);

export interface PageCheck {
  /** chart containers on the page */
  charts: number;
  /** containers holding a Vega SVG with at least one mark drawn */
  drawn: number;
  /** console errors, page errors and aborted (non-file) requests */
  errors: string[];
  /** whether the page's visible text says "Error" anywhere */
  errorText: boolean;
  /** milliseconds from navigation to every chart drawn */
  openMs: number;
  /** with hoverPoints: the tooltip of every point (symbol mark) of the first chart, hovered one by one */
  pointTooltips: string[];
}

export async function checkPage(
  file: string,
  screenshot: string,
  hoverPoints = false,
): Promise<PageCheck> {
  const profile = mkdtempSync(join(tmpdir(), "uboost-chromium-"));
  // a fresh profile every time: launchPersistentContext is how playwright takes --user-data-dir
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => errors.push(`page: ${error.message}`));
    await page.route("**/*", (route) => {
      if (route.request().url().startsWith("file:")) return route.continue();
      errors.push(`network: ${route.request().url()}`);
      return route.abort();
    });
    const started = Date.now();
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector("body[data-rendered=true]", { timeout: 30_000 });
    const openMs = Date.now() - started;
    const { charts, drawn, text } = await page.evaluate(() => {
      const containers = [...document.querySelectorAll(".chart")];
      const marks = (chart: Element) =>
        chart.querySelectorAll(
          "svg g[class*=mark-] path, svg g[class*=mark-] text, svg g[class*=mark-] line",
        ).length;
      return {
        charts: containers.length,
        drawn: containers.filter((chart) => marks(chart) > 0).length,
        // biome-ignore lint/performance/useDomNodeTextContent: the text a reader sees, not the scripts' source
        text: document.body.innerText,
      };
    });
    await page.screenshot({ path: screenshot, fullPage: true });
    const pointTooltips: string[] = [];
    const points = hoverPoints
      ? await page.locator("#chart-0 g.mark-symbol.role-mark path").all()
      : [];
    for (const point of points) {
      await point.hover({ force: true });
      const tooltip = page.locator("#vg-tooltip-element");
      await tooltip.waitFor({ state: "visible", timeout: 5_000 });
      pointTooltips.push((await tooltip.textContent()) ?? "");
      await page.mouse.move(0, 0);
    }
    return { charts, drawn, errors, errorText: /\bError\b/.test(text), openMs, pointTooltips };
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
