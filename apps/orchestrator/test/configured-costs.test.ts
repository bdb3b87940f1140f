import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Bus, connectBus } from '@ats/bus';
import { configuredKeys, loadConfig } from '@ats/config';
import { namespacedSubject, systemClock } from '@ats/contracts';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { type MarketDataPort, openMarketDataPort } from '@ats/market-data';
import { createLogger } from '@ats/observability';
import {
  bundledEntry,
  eventually,
  testRequestTimeoutMs,
  testServices,
  uniqueName,
  within,
} from '@ats/tool-testing';
import { PrismaTradingStore } from '@ats/trading-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaperRunExchange, type PaperRuns, servePaperRuns } from '../src/paper-runs';
import { configuredPaperCosts } from '../src/replay';
import { dropNamespace } from './support';

const logger = createLogger({ service: 'orchestrator-test', level: 'warn' });
const appDir = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const namespaces: string[] = [];

/** Costs no default comes near: the paper broker's defaults are IBKR's per-share commission and 5 bp slippage. */
const CONFIGURED = {
  TRADING__COMMISSION_BPS: '37',
  TRADING__SLIPPAGE_BPS: '23',
  TRADING__INITIAL_CAPITAL: '250000',
};
const SYMBOLS = ['AAPL', 'GOOGL', 'MSFT', 'NVDA', 'TSLA'];
/** Six trading days in which the offline team buys. */
const FROM = '2023-01-12';
const TO = '2023-01-20';

let bus: Bus;
let prisma: PrismaClient;
let paperRuns: PaperRuns | undefined;
let marketData: MarketDataPort | undefined;

beforeAll(async () => {
  const { natsUrl, databaseUrl } = testServices();
  bus = await connectBus({ url: natsUrl, name: 'orchestrator-costs-test', logger });
  prisma = createPrismaClient(databaseUrl);
});
afterAll(async () => {
  await paperRuns?.stop();
  await marketData?.close();
  await bus?.close();
  await prisma?.$disconnect();
  for (const namespace of namespaces) await dropNamespace(testServices().natsUrl, namespace);
});

const newNamespace = (prefix: string) => {
  const namespace = uniqueName(prefix);
  namespaces.push(namespace);
  return namespace;
};
const newRunId = (prefix: string) => uniqueName(prefix).replace(/[^A-Za-z0-9_-]/g, '_');

/** Every fill of the run paid 37 bp of its value in commission and 23 bp of slippage (on the pre-slippage price). */
async function expectConfiguredCosts(runId: string) {
  const fills = await prisma.fill.findMany({ where: { order: { runId } } });
  expect(fills.length, 'the offline team trades in the window').toBeGreaterThan(0);
  for (const fill of fills) {
    const value = fill.quantity * fill.price;
    expect(fill.commission / value).toBeCloseTo(0.0037, 8);
    // Stored per share; the price already includes it, so it is 23 bp of the price before slippage.
    const before = fill.side === 'BUY' ? fill.price - fill.slippage : fill.price + fill.slippage;
    expect(fill.slippage / before).toBeCloseTo(0.0023, 8);
  }
}

describe('paper runs trade at the configured TRADING__* costs, as backtests do', () => {
  it(
    'orchestrator:run --mode=paper: commission and slippage in basis points, the configured initial capital',
    async () => {
      const { natsUrl, databaseUrl } = testServices();
      const runId = newRunId('costs_cli');
      const namespace = newNamespace('orchcostscli');
      await run(
        process.execPath,
        [
          ...bundledEntry('src/cli.ts'),
          `--symbols=${SYMBOLS.join(',')}`,
          `--replay-from=${FROM}`,
          `--replay-to=${TO}`,
          '--mode=paper',
          '--json',
          `--run-id=${runId}`,
          `--namespace=${namespace}`,
        ],
        {
          cwd: appDir,
          env: { ...process.env, ...CONFIGURED, DATABASE__URL: databaseUrl, NATS__URL: natsUrl },
        },
      );
      const stored = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
      expect(stored.config).toMatchObject({
        initialCash: 250_000,
        commission: { kind: 'bps', bps: 37 },
        slippage: { kind: 'fixed-bps', bps: 23 },
      });
      await expectConfiguredCosts(runId);
    },
    within(300_000),
  );

  it(
    'POST /v1/paper-runs (the service): the configured costs, and the request’s initial cash over the configured one',
    async () => {
      const options = { env: CONFIGURED, envFile: null };
      const config = loadConfig(options);
      const namespace = newNamespace('orchcostsapi');
      marketData = await openMarketDataPort(loadConfig());
      // As main.ts wires the service.
      paperRuns = await servePaperRuns({
        bus,
        store: new PrismaTradingStore(prisma),
        marketData,
        logger,
        clock: systemClock,
        agents: 'embedded',
        namespace,
        initialCash: config.trading.initialCapital,
        costs: configuredPaperCosts(config.trading, configuredKeys(options)),
        pattern: 'sequential',
      });
      const runId = newRunId('costs_api');
      const reply = await bus.request(
        namespacedSubject(namespace, PaperRunExchange.subject),
        PaperRunExchange.request,
        PaperRunExchange.reply,
        { symbols: SYMBOLS, from: FROM, to: TO, runId, initialCash: 77_000 },
        { timeoutMs: testRequestTimeoutMs(), correlationId: `${runId}-start` },
      );
      if (!reply.ok) throw new Error(`paper run refused: ${reply.error.message}`);
      await eventually(async () => (paperRuns?.active === undefined ? true : undefined), {
        what: 'the paper run to end',
        timeoutMs: 240_000,
      });
      const stored = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
      expect(stored.status).toBe('completed');
      expect(stored.config).toMatchObject({ initialCash: 77_000, commission: { kind: 'bps', bps: 37 } });
      await expectConfiguredCosts(runId);
    },
    within(300_000),
  );

  it('leaves the paper broker’s default costs when no key is set', () => {
    const options = { env: {}, envFile: null };
    expect(configuredPaperCosts(loadConfig(options).trading, configuredKeys(options))).toEqual({});
  });
});
