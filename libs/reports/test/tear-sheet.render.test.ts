import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { browserTestsEnabled, launchChromium, within } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';
import { renderTearSheet } from '../src/index';
import { aaplTrendRun } from './fixture';

const OUTPUT_DIR = fileURLToPath(new URL('../test-output/', import.meta.url));
const runBrowserTest = browserTestsEnabled('tear sheet render test');

describe.skipIf(!runBrowserTest)('tear sheet in headless Chromium', () => {
  it(
    'renders offline with no console errors and draws every chart',
    async () => {
      mkdirSync(OUTPUT_DIR, { recursive: true });
      const htmlPath = `${OUTPUT_DIR}tear-sheet.html`;
      writeFileSync(htmlPath, renderTearSheet(aaplTrendRun()));

      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const problems: string[] = [];
        const outsideRequests: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(message.text());
        });
        page.on('pageerror', (error) => problems.push(error.message));
        await page.route('**/*', (route) => {
          const url = route.request().url();
          if (url.startsWith('file:')) return route.continue();
          outsideRequests.push(url);
          return route.abort();
        });

        await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });

        const charts = await page.$$eval('figure.chart svg', (svgs) =>
          svgs.map((svg) => {
            const box = svg.getBoundingClientRect();
            const drawn = [...svg.querySelectorAll('path.series')].filter(
              (path) => (path as SVGPathElement).getTotalLength() > 0,
            ).length;
            return { id: svg.parentElement?.id, width: box.width, height: box.height, drawn };
          }),
        );
        expect(charts.map((c) => c.id)).toEqual(['equity-chart', 'drawdown-chart', 'rolling-sharpe-chart']);
        for (const chart of charts) {
          expect(chart.width, chart.id).toBeGreaterThan(100);
          expect(chart.height, chart.id).toBeGreaterThan(50);
          expect(chart.drawn, chart.id).toBeGreaterThan(0);
        }
        expect(await page.locator('table.heatmap td[style]').count()).toBeGreaterThan(0);

        // The hover read-out script runs: moving over the equity chart fills its tooltip.
        await page.locator('#equity-chart svg').hover();
        expect(await page.locator('#equity-chart .tooltip').textContent()).toMatch(
          /^2023-\d\d-\d\d .*Strategy: /,
        );

        await page.screenshot({ path: `${OUTPUT_DIR}tear-sheet.png`, fullPage: true });
        expect(problems).toEqual([]);
        expect(outsideRequests).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    // A deadline for Chromium starting and rendering on cores the rest of the run keeps busy.
    within(120_000),
  );
});
