import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserTestsEnabled, bundledEntry, launchChromium } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';
import { reportFile } from './support/report-files';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const SCREENSHOT = fileURLToPath(new URL('../test-output/backtest-report.png', import.meta.url));

describe('backtest CLI (the README main command, embedded mode, no servers)', () => {
  const out = mkdtempSync(join(tmpdir(), 'ats-backtest-'));
  const run = spawnSync(
    process.execPath,
    // The default store (auto), as the README's command runs: the probe finds nothing listening and moves on.
    [...bundledEntry(MAIN), `--out=${out}`, '--no-progress'],
    {
      encoding: 'utf8',
      // No servers and no keys: point the URLs at nothing to prove none is needed.
      env: {
        ...process.env,
        DATABASE__URL: 'postgresql://nobody@127.0.0.1:1/none',
        NATS__URL: 'nats://127.0.0.1:1',
        NO_COLOR: '1',
      },
      timeout: 120_000,
    },
  );
  const html = () => reportFile(out, 'backtest-multi-agent-2023-01-01-2023-12-31', 'html');

  it('prints the metrics and writes JSON and HTML reports', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Sharpe\s+-?\d/);
    expect(run.stdout).toMatch(/Max drawdown/);
    expect(run.stdout).toContain(html());
    expect(existsSync(html())).toBe(true);
    const json = JSON.parse(
      readFileSync(reportFile(out, 'backtest-multi-agent-2023-01-01-2023-12-31', 'json'), 'utf8'),
    );
    expect(json.equityCurve).toHaveLength(251);
    expect(run.stderr).toContain('Postgres not reachable: result kept in files only');
  });

  it('renders the tear sheet in headless Chromium with no network', async () => {
    if (!browserTestsEnabled('backtest report render')) return;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 2000 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('request', (r) => !r.url().startsWith('file:') && requests.push(r.url()));
      await page.goto(`file://${html()}`);
      const charts = await page.$$eval(
        'svg',
        (svgs) => svgs.filter((s) => s.getBoundingClientRect().width > 100).length,
      );
      expect(charts).toBeGreaterThanOrEqual(3);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.screenshot({ path: SCREENSHOT, fullPage: false });
    } finally {
      await browser.close();
    }
  });
});
