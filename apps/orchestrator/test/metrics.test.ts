import { type Bus, connectBus, type NatsBus } from '@ats/bus';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import {
  createServiceRegistry,
  jetStreamConsumerLag,
  type MetricsServer,
  parseExposition,
  registerBusCollector,
  registerTradingMetrics,
  sampleSum,
  startMetricsServer,
} from '@ats/metrics';
import { createLogger } from '@ats/observability';
import { orderChannels } from '@ats/paper-broker';
import { testServices, uniqueName } from '@ats/tool-testing';
import { PrismaTradingStore } from '@ats/trading-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../src/replay';
import { dataFolderMarketData } from './market-data';
import { dropNamespace, FROM, INITIAL_CASH, SYMBOLS, TO } from './support';

const logger = createLogger({ service: 'orchestrator-metrics-test', level: 'warn' });
const namespace = uniqueName('orchm');
let bus: NatsBus;
let prisma: PrismaClient;
let server: MetricsServer;
const registry = createServiceRegistry({ service: 'orchestrator' });
const metrics = registerTradingMetrics(registry);

beforeAll(async () => {
  const { natsUrl, databaseUrl } = testServices();
  bus = await connectBus({ url: natsUrl, name: 'orchestrator-metrics-test', logger });
  prisma = createPrismaClient(databaseUrl);
  const intake = { stream: orderChannels(namespace).stream.name, durable: 'paper-broker' };
  registerBusCollector(registry, {
    stats: () => bus.stats(),
    consumerLag: jetStreamConsumerLag(bus.connection, [intake], () => undefined),
  });
  server = await startMetricsServer({
    port: 0,
    host: '127.0.0.1',
    registry,
    health: () => ({ status: 'ok' }),
  });
});
afterAll(async () => {
  await server?.close();
  await bus?.close();
  await prisma?.$disconnect();
  await dropNamespace(testServices().natsUrl, namespace);
});

describe('orchestrator metrics', () => {
  it('exports the paper portfolio marks, the bus and the order intake backlog after a paper replay', async () => {
    const runId = uniqueName('paper_metrics');
    const outcome = await runReplay({
      runId,
      symbols: SYMBOLS,
      mode: 'paper',
      pattern: 'sequential',
      from: FROM,
      to: TO,
      initialCash: INITIAL_CASH,
      agents: 'embedded',
      namespace,
      speed: 0,
      bus: bus as Bus,
      store: new PrismaTradingStore(prisma),
      provider: await dataFolderMarketData(),
      logger,
      metrics,
    });
    const last = outcome.reports.at(-1);
    if (!last) throw new Error('no cycles ran');
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    const samples = parseExposition(await res.text());
    const paper = { portfolio: 'paper', service: 'orchestrator' };
    // The gauges hold the last cycle's mark, which its report carries too.
    expect(sampleSum(samples, 'ats_portfolio_equity', paper)).toBeCloseTo(last.equity, 6);
    expect(sampleSum(samples, 'ats_portfolio_drawdown_limit_ratio', paper)).toBe(0.2);
    const peak = Math.max(...outcome.reports.map((r) => r.equity));
    expect(sampleSum(samples, 'ats_portfolio_drawdown_ratio', paper)).toBeCloseTo(1 - last.equity / peak, 9);
    const gross = sampleSum(samples, 'ats_portfolio_gross_exposure_ratio', paper);
    expect(gross).toBeGreaterThan(0);
    expect(gross).toBeCloseTo((last.equity - last.cash) / last.equity, 9); // long-only book
    expect(sampleSum(samples, 'ats_portfolio_net_exposure_ratio', paper)).toBeCloseTo(gross, 9);
    expect(sampleSum(samples, 'ats_bus_messages_published_total')).toBeGreaterThan(40);
    expect(sampleSum(samples, 'ats_bus_messages_delivered_total')).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'ats_bus_consumer_pending_messages')).toBe(true);
    expect(sampleSum(samples, 'ats_bus_consumer_ack_pending_messages')).toBe(0);
    expect(sampleSum(samples, 'ats_errors_total')).toBe(0);
  });
});
