import type { NatsBus } from '@ats/bus';
import { Messages } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import {
  cacheTotalsSync,
  createServiceRegistry,
  type MetricsServer,
  parseExposition,
  registerBusCollector,
  registerTradingMetrics,
  type ScrapedSample,
  sampleSum,
  startMetricsServer,
} from '@ats/metrics';
import { testRequestTimeoutMs, uniqueName } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAlphaVantage } from './fake-alpha-vantage';
import {
  connectTestBus,
  type GatewayInstance,
  openPrisma,
  startGatewayInstance,
  testSubjects,
} from './harness';

// Alpha Vantage answers quotes, and refuses bars with its rate-limit note: the local CSV then serves them.
const fake = new FakeAlphaVantage((query) =>
  query.get('function') === 'GLOBAL_QUOTE'
    ? { fixture: 'global-quote-AAPL.json' }
    : { fixture: 'note-rate-limit.json' },
);
const subjects = testSubjects();
let prisma: PrismaClient;
let client: NatsBus;
let gateway: GatewayInstance;
let server: MetricsServer;

beforeAll(async () => {
  prisma = openPrisma();
  client = await connectTestBus('data-gateway-metrics-client');
  const registry = createServiceRegistry({ service: 'data-gateway' });
  const metrics = registerTradingMetrics(registry);
  gateway = await startGatewayInstance({
    subjects,
    bucket: uniqueName('md_cache'),
    prisma,
    metrics,
    env: {
      DATA__PROVIDERS: 'alpha-vantage,local',
      ALPHA_VANTAGE_API_KEY: 'test-key',
      DATA__ALPHA_VANTAGE_BASE_URL: await fake.start(),
    },
  });
  registerBusCollector(registry, { stats: () => gateway.bus.stats() });
  const totals = cacheTotalsSync(metrics, 'market-data', () => gateway.chain.cached.cacheStats(), {
    l1: 'memory',
    l2: 'nats_kv',
    l3: 'postgres',
  });
  server = await startMetricsServer({
    port: 0,
    host: '127.0.0.1',
    registry,
    beforeScrape: () => totals.sync(),
    health: () => ({ status: 'ok' }),
  });
});

afterAll(async () => {
  await server?.close();
  await gateway?.chain.sharedCache?.destroy();
  await gateway?.stop();
  await fake.stop();
  await client?.close();
  await prisma?.$disconnect();
});

async function scrape(): Promise<ScrapedSample[]> {
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  return parseExposition(await res.text());
}

describe('data gateway metrics', () => {
  it('counts provider calls by outcome, remote rate-limit hits, cache tiers and failed lookups', async () => {
    const options = { timeoutMs: testRequestTimeoutMs() };
    const quote = () =>
      client.request(subjects.quote, Messages.quoteRequest, Messages.quote, { symbol: 'AAPL' }, options);
    expect((await quote()).ok).toBe(true);
    expect((await quote()).ok).toBe(true); // answered by the memory tier
    const history = await client.request(
      subjects.history,
      Messages.historyRequest,
      Messages.historyResponse,
      { symbol: 'MSFT', timeframe: '1d', from: '2023-03-01', to: '2023-03-10' },
      options,
    );
    expect(history).toMatchObject({ ok: true, data: { provider: 'local-csv' } });
    const unknown = await client.request(
      subjects.history,
      Messages.historyRequest,
      Messages.historyResponse,
      { symbol: 'ZZZZQ', timeframe: '1d', from: '2023-03-01', to: '2023-03-10' },
      options,
    );
    expect(unknown.ok).toBe(false);

    const samples = await scrape();
    const calls = (labels: Record<string, string>) =>
      sampleSum(samples, 'ats_provider_api_calls_total', labels);
    expect(calls({ provider: 'alpha-vantage', outcome: 'ok' })).toBe(1);
    expect(calls({ provider: 'alpha-vantage', outcome: 'rate_limited' })).toBe(1);
    expect(calls({ provider: 'local-csv', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(
      sampleSum(samples, 'ats_provider_rate_limit_hits_total', {
        provider: 'alpha-vantage',
        source: 'remote',
      }),
    ).toBe(1);
    expect(sampleSum(samples, 'ats_cache_hits_total', { cache: 'market-data', tier: 'memory' })).toBe(1);
    expect(
      sampleSum(samples, 'ats_cache_misses_total', { cache: 'market-data', tier: 'memory' }),
    ).toBeGreaterThan(0);
    expect(sampleSum(samples, 'ats_errors_total', { component: 'market-data.bars' })).toBe(1);
    expect(sampleSum(samples, 'ats_bus_messages_delivered_total')).toBe(4);
    expect(sampleSum(samples, 'ats_bus_messages_published_total')).toBeGreaterThanOrEqual(4);
  });
});
