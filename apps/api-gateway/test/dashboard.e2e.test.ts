import { mkdirSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AgentMessages, TradingMessages } from '@ats/contracts';
import { browserTestsEnabled, launchChromium, within } from '@ats/tool-testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from './support';

const SCREENSHOT = fileURLToPath(new URL('../test-output/dashboard.png', import.meta.url));
const runBrowserTest = browserTestsEnabled('dashboard browser test');

let gateway: Gateway;
let browser: Browser | undefined;
let baseUrl: string;
let runId: string;
let backtestId: string;

async function seed(db: Gateway['db']): Promise<void> {
  const run = await db.run.create({
    data: { kind: 'paper', status: 'running', config: {}, startedAt: new Date('2099-01-01T00:00:00Z') },
  });
  runId = run.id;
  await db.portfolio.create({ data: { runId, cash: 31_250.4 } });
  await db.position.createMany({
    data: [
      { runId, symbol: 'AAPL', quantity: 120, averagePrice: 171.2, realizedPnl: 310.5 },
      { runId, symbol: 'NVDA', quantity: 40, averagePrice: 402.9, realizedPnl: 0 },
      { runId, symbol: 'MSFT', quantity: 55, averagePrice: 331.4, realizedPnl: -42.1 },
    ],
  });
  // A deterministic equity path over 60 sessions for the chart.
  let equity = 100_000;
  await db.portfolioSnapshot.createMany({
    data: Array.from({ length: 60 }, (_, i) => {
      equity *= 1 + 0.004 * Math.sin(i / 4) + 0.0015;
      return {
        runId,
        correlationId: `e2e-${i}`,
        takenAt: new Date(Date.UTC(2023, 2, 1 + i, 20)),
        cash: 31_250.4,
        equity: Math.round(equity * 100) / 100,
        positions: [],
      };
    }),
  });
  const backtest = await db.run.create({
    data: {
      kind: 'backtest',
      status: 'completed',
      config: { strategy: 'multi-agent' },
      startedAt: new Date('2099-01-01T00:00:00Z'),
      finishedAt: new Date('2099-01-01T00:01:00Z'),
      backtestResult: {
        create: {
          config: {},
          metrics: { sharpe: 1.2 },
          equityCurve: [],
          trades: [],
          reportHtml: '<!doctype html><title>tear sheet</title><h1>Backtest tear sheet</h1>',
        },
      },
    },
  });
  backtestId = backtest.id;
}

beforeAll(async () => {
  if (!runBrowserTest) return;
  gateway = await startGateway();
  await seed(gateway.db);
  await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

describe.skipIf(!runBrowserTest)('dashboard in headless Chromium', () => {
  it('asks for a key once, shows the portfolio and shows decisions live as they cross the bus', async () => {
    if (!browser) throw new Error('browser did not start');
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Chromium shares two cores with the rest of the run: every wait below is a deadline, not an expectation.
    page.setDefaultTimeout(within(30_000));
    const foreign: string[] = [];
    const pageErrors: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(baseUrl)) foreign.push(request.url());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));

    for (const service of ['technical-agent', 'sentiment-agent', 'orchestrator']) {
      await gateway.bus.publish(
        `${gateway.channels.namespace}.heartbeat.${service}`,
        AgentMessages.heartbeat,
        {
          service,
          instanceId: `${service}-1`,
          ts: new Date().toISOString(),
          inflight: 0,
          handled: 12,
          version: '0.1.0',
        },
      );
    }
    await page.goto(`${baseUrl}/?run=${runId}`);
    await page.locator('#key-form').waitFor({ state: 'visible' });
    await page.fill('#key-input', gateway.keys.read);
    await page.click('#key-form button');

    await page.locator('#stream-state', { hasText: 'live' }).waitFor();
    await page.locator('#positions tbody tr').nth(2).waitFor();
    expect(await page.textContent('#run-label')).toContain(runId);
    expect(await page.textContent('#cash')).toContain('31,250.40');
    expect(await page.evaluate("localStorage.getItem('ats.apiKey')")).toBe(gateway.keys.read);
    // The equity chart drew into a canvas (it draws after its data arrives: wait for it, a busy machine is slow).
    await page.locator('#equity-chart canvas').first().waitFor({ state: 'attached' });
    expect(await page.locator('#equity-chart canvas').count()).toBeGreaterThan(0);
    const reportLink = page.locator(`#backtests a[href^="/v1/backtests/${backtestId}/report?token="]`);
    await reportLink.waitFor();
    await page.locator('#agents li.alive').nth(2).waitFor();

    const ns = gateway.channels.namespace;
    const decisions = [
      {
        agent: 'technical',
        symbol: 'NVDA',
        signal: 'BUY',
        confidence: 0.81,
        reasoning: 'Golden cross (SMA50 over SMA200) on 1.9x volume; RSI 61.',
      },
      {
        agent: 'sentiment',
        symbol: 'NVDA',
        signal: 'BUY',
        confidence: 0.66,
        reasoning: 'Earnings beat and raised guidance; news tone +0.42.',
      },
      {
        agent: 'risk',
        symbol: 'TSLA',
        signal: 'SELL',
        confidence: 0.7,
        reasoning: 'Position would breach the 20% drawdown limit; size cut to zero.',
      },
    ] as const;
    for (const d of decisions) {
      await gateway.bus.publish(`${ns}.decision.${d.agent}.${d.symbol}`, TradingMessages.agentDecision, {
        ...d,
        supportingData: {},
        ts: new Date().toISOString(),
        correlationId: 'e2e-cycle-0001',
      });
    }
    const live = page.locator('#decisions tbody tr.decision-live');
    await expect.poll(() => live.count(), { timeout: within(30_000) }).toBe(3);
    // Newest on top, each with its agent, signal and reasoning.
    const rows = await Promise.all([0, 1, 2].map((i) => live.nth(i).locator('td').allTextContents()));
    expect(rows.map((r) => [r[1], r[2], r[3], r[5]])).toEqual(
      [...decisions].reverse().map((d) => [d.agent, d.symbol, d.signal, d.reasoning]),
    );

    // The tear sheet link opens with the signed token (no header).
    const report = await page.request.get(`${baseUrl}${await reportLink.getAttribute('href')}`);
    expect(report.status()).toBe(200);
    expect(await report.text()).toContain('Backtest tear sheet');

    mkdirSync(fileURLToPath(new URL('../test-output/', import.meta.url)), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    expect(foreign).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
