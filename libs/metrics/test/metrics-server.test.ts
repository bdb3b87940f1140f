import type { BusStats } from '@ats/bus';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BusMetricNames,
  type ConsumerLag,
  createServiceRegistry,
  type HealthReport,
  MetricNames,
  type MetricsServer,
  recordCacheLookup,
  recordLlmCall,
  recordPortfolioMark,
  registerBusCollector,
  registerTradingMetrics,
  startMetricsServer,
} from '../src/index';
import { parseExposition, sampleValue } from './exposition';

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function mutableStats() {
  const stats = {
    published: 0,
    delivered: 0,
    invalid: 0,
    rejectedOutgoing: 0,
    deadLettered: { total: 0, byKind: {} as Record<string, number> },
  };
  return { stats, read: (): BusStats => structuredClone(stats) as BusStats };
}

async function scrape(url: string) {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return parseExposition(await response.text());
}

describe('startMetricsServer /metrics', () => {
  it('exposes recorded trading metrics, bus counters and process metrics with the service label', async () => {
    const registry = createServiceRegistry({ service: 'technical-agent' });
    const metrics = registerTradingMetrics(registry);
    const bus = mutableStats();
    let lagReads = 0;
    const lag: ConsumerLag[] = [{ stream: 'ORDERS', consumer: 'paper-broker', pending: 42, ackPending: 3 }];
    registerBusCollector(registry, {
      stats: bus.read,
      consumerLag: async () => {
        lagReads++;
        return lag;
      },
    });
    server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      registry,
      health: () => ({ status: 'ok' }),
    });

    const agent = { agent: 'technical', provider: 'openai', model: 'gpt-4o-mini' };
    metrics.agentResponse.observe(agent, 0.3);
    metrics.agentResponse.observe(agent, 7);
    recordLlmCall(metrics, {
      provider: 'openai',
      model: 'gpt-4o-mini',
      outcome: 'ok',
      promptTokens: 1200,
      completionTokens: 300,
      costUsd: 0.00036,
    });
    recordLlmCall(metrics, { provider: 'openai', model: 'gpt-4o-mini', outcome: 'cached' });
    metrics.providerRateLimitHits.inc({ provider: 'alpha-vantage', source: 'remote' });
    metrics.errors.inc({ component: 'llm', kind: 'LlmTimeoutError' }, 2);
    for (const hit of [true, true, true, false])
      recordCacheLookup(metrics, { cache: 'bars', tier: 'memory', hit });
    recordPortfolioMark(metrics, 'paper', {
      equity: 95_000,
      peakEquity: 100_000,
      longMarketValue: 57_000,
      shortMarketValue: 0,
      drawdownLimit: 0.1,
    });
    bus.stats.published = 10;
    bus.stats.delivered = 8;
    bus.stats.deadLettered = { total: 2, byKind: { schema_mismatch: 2 } };

    const first = await scrape(server.url);
    const agentLabels = { ...agent, service: 'technical-agent' };
    expect(sampleValue(first, `${MetricNames.agentResponseSeconds}_count`, agentLabels)).toBe(2);
    expect(sampleValue(first, `${MetricNames.agentResponseSeconds}_sum`, agentLabels)).toBeCloseTo(7.3, 9);
    expect(
      sampleValue(first, `${MetricNames.agentResponseSeconds}_bucket`, { ...agentLabels, le: '0.5' }),
    ).toBe(1);
    expect(
      sampleValue(first, `${MetricNames.agentResponseSeconds}_bucket`, { ...agentLabels, le: '10' }),
    ).toBe(2);
    expect(sampleValue(first, MetricNames.llmCalls, { outcome: 'ok' })).toBe(1);
    expect(sampleValue(first, MetricNames.llmCalls, { outcome: 'cached' })).toBe(1);
    expect(sampleValue(first, MetricNames.llmTokens, { kind: 'prompt' })).toBe(1200);
    expect(sampleValue(first, MetricNames.llmTokens, { kind: 'completion' })).toBe(300);
    expect(sampleValue(first, MetricNames.llmCostUsd)).toBeCloseTo(0.00036, 12);
    expect(sampleValue(first, MetricNames.providerRateLimitHits, { source: 'remote' })).toBe(1);
    expect(sampleValue(first, MetricNames.errors, { component: 'llm' })).toBe(2);
    const hits = sampleValue(first, MetricNames.cacheHits, { tier: 'memory' });
    const misses = sampleValue(first, MetricNames.cacheMisses, { tier: 'memory' });
    expect(hits / (hits + misses)).toBe(0.75);
    expect(sampleValue(first, MetricNames.portfolioEquity, { portfolio: 'paper' })).toBe(95_000);
    expect(sampleValue(first, MetricNames.portfolioDrawdown)).toBeCloseTo(0.05, 12);
    expect(sampleValue(first, MetricNames.portfolioDrawdownLimit)).toBe(0.1);
    expect(sampleValue(first, MetricNames.portfolioGrossExposure)).toBeCloseTo(0.6, 12);
    expect(sampleValue(first, BusMetricNames.published)).toBe(10);
    expect(sampleValue(first, BusMetricNames.delivered)).toBe(8);
    expect(sampleValue(first, BusMetricNames.deadLetters, { kind: 'schema_mismatch' })).toBe(2);
    expect(
      sampleValue(first, BusMetricNames.consumerPending, { stream: 'ORDERS', consumer: 'paper-broker' }),
    ).toBe(42);
    expect(sampleValue(first, BusMetricNames.consumerAckPending, { consumer: 'paper-broker' })).toBe(3);
    // Both lag gauges come from one read per scrape.
    expect(lagReads).toBe(1);
    // Default process metrics: memory and event-loop lag, labelled with the service too.
    expect(
      sampleValue(first, 'process_resident_memory_bytes', { service: 'technical-agent' }),
    ).toBeGreaterThan(0);
    expect(first.some((s) => s.name === 'nodejs_eventloop_lag_p99_seconds')).toBe(true);

    // Bus counters follow the cumulative snapshot; a consumer that went away drops out of the lag gauges.
    bus.stats.published = 25;
    bus.stats.deadLettered = { total: 3, byKind: { schema_mismatch: 2, handler_error: 1 } };
    lag.length = 0;
    const second = await scrape(server.url);
    expect(sampleValue(second, BusMetricNames.published)).toBe(25);
    expect(sampleValue(second, BusMetricNames.deadLetters, { kind: 'handler_error' })).toBe(1);
    expect(second.some((s) => s.name === BusMetricNames.consumerPending)).toBe(false);
    expect(lagReads).toBe(2);
  });

  it('keeps registries of two services in one process apart', async () => {
    const a = createServiceRegistry({ service: 'a', processMetrics: false });
    const b = createServiceRegistry({ service: 'b', processMetrics: false });
    registerTradingMetrics(a).errors.inc({ component: 'bus', kind: 'x' });
    registerTradingMetrics(b);
    const textB = await b.metrics();
    expect(parseExposition(textB).some((s) => s.name === MetricNames.errors)).toBe(false);
    expect(sampleValue(parseExposition(await a.metrics()), MetricNames.errors, { service: 'a' })).toBe(1);
  });
});

describe('startMetricsServer /health', () => {
  it('answers 200 while serving, 503 while draining or when the check throws, 404 elsewhere', async () => {
    let report: HealthReport = { status: 'ok', natsRttMs: 1 };
    let fail = false;
    server = await startMetricsServer({
      port: 0,
      registry: createServiceRegistry({ service: 'x', processMetrics: false }),
      health: async () => {
        if (fail) throw new Error('NATS unreachable');
        return report;
      },
    });
    const ok = await fetch(`${server.url}/health`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', natsRttMs: 1 });
    report = { status: 'degraded' };
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    report = { status: 'draining' };
    expect((await fetch(`${server.url}/health`)).status).toBe(503);
    fail = true;
    const down = await fetch(`${server.url}/health`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'down', error: 'Error: NATS unreachable' });
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
