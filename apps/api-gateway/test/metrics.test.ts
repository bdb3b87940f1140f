import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Messages } from '@ats/contracts';
import {
  createServiceRegistry,
  type MetricsServer,
  parseExposition,
  registerBusCollector,
  registerTradingMetrics,
  sampleSum,
  startMetricsServer,
} from '@ats/metrics';
import { bundledEntry } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, eventually, type Gateway, startGateway } from './support';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
/** A closed range (before today), so the gateway caches the answer. */
const CLOSED_RANGE = 'from=2023-01-03&to=2023-01-04';

const scrape = async (url: string) => parseExposition(await (await fetch(`${url}/metrics`)).text());

describe('gateway metrics (in process, own subject namespace)', () => {
  let gateway: Gateway;
  let server: MetricsServer;
  const registry = createServiceRegistry({ service: 'api-gateway-test' });
  const metrics = registerTradingMetrics(registry);

  beforeAll(async () => {
    gateway = await startGateway({ metrics });
    registerBusCollector(registry, { stats: () => gateway.bus.stats() });
    server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      registry,
      health: () => ({ status: 'ok' }),
    });
  });
  afterAll(async () => {
    await server?.close();
    await gateway?.close();
  });

  it('counts bars cache misses then hits, and 5xx answers by error class (4xx not counted)', async () => {
    const responder = await gateway.bus.serve(
      gateway.channels.historyRequest,
      Messages.historyRequest,
      Messages.historyResponse,
      (request) => ({
        symbol: request.data.symbol,
        timeframe: '1d' as const,
        provider: 'test',
        bars: [],
        droppedRows: 0,
      }),
    );
    try {
      const bars = () =>
        gateway.app.inject({
          method: 'GET',
          url: `/v1/bars/AAPL?${CLOSED_RANGE}`,
          headers: bearer(gateway.keys.read),
        });
      const first = await bars();
      const second = await bars();
      expect([first.statusCode, first.headers['x-cache']]).toEqual([200, 'miss']);
      expect([second.statusCode, second.headers['x-cache']]).toEqual([200, 'hit']);
    } finally {
      await responder.close();
    }
    // No orchestrator answers in this namespace: 503 from the bus, counted as a server error.
    const analyze = await gateway.app.inject({
      method: 'POST',
      url: '/v1/analyze',
      headers: bearer(gateway.keys.trade),
      payload: {},
    });
    expect(analyze.statusCode).toBe(503);
    const invalid = await gateway.app.inject({
      method: 'POST',
      url: '/v1/analyze',
      headers: bearer(gateway.keys.trade),
      payload: { symbols: 'AAPL' },
    });
    expect(invalid.statusCode).toBe(400);

    const samples = await scrape(server.url);
    expect(sampleSum(samples, 'ats_cache_misses_total', { cache: 'bars', tier: 'memory' })).toBe(1);
    expect(sampleSum(samples, 'ats_cache_hits_total', { cache: 'bars', tier: 'memory' })).toBe(1);
    expect(sampleSum(samples, 'ats_errors_total', { component: 'http', kind: 'BusNoRespondersError' })).toBe(
      1,
    );
    expect(sampleSum(samples, 'ats_errors_total')).toBe(1);
    expect(sampleSum(samples, 'ats_bus_messages_published_total')).toBeGreaterThan(0);
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

describe('api-gateway process (src/main.ts)', () => {
  let child: ChildProcess;
  let apiUrl: string;
  let metricsUrl: string;
  let readKey: string;

  beforeAll(async () => {
    const [apiPort, metricsPort] = [await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    metricsUrl = `http://127.0.0.1:${metricsPort}`;
    const gatewayDb = await startGateway();
    readKey = gatewayDb.keys.read;
    await gatewayDb.close();
    child = spawn(process.execPath, [...bundledEntry(MAIN)], {
      env: {
        ...process.env,
        API__PORT: String(apiPort),
        SERVICE__METRICS_PORT: String(metricsPort),
        LOG_LEVEL: 'error',
        ENVIRONMENT: 'test',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    // Generous: the first start builds the gateway's bundle, and the run's other projects share two cores.
    await eventually(
      () =>
        fetch(`${metricsUrl}/health`)
          .then((r) => (r.ok ? true : undefined))
          .catch(() => undefined),
      90_000,
    );
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('serves /health with a NATS round trip and /metrics with process, bus and gateway families', async () => {
    const health = (await (await fetch(`${metricsUrl}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', service: 'api-gateway' });
    expect(typeof health.natsRttMs).toBe('number');
    // Answered (200) or not (503 without a data gateway): either way a lookup in the bars cache was made.
    const bars = await fetch(`${apiUrl}/v1/bars/AAPL?${CLOSED_RANGE}`, { headers: bearer(readKey) });
    expect([200, 503]).toContain(bars.status);

    const samples = await scrape(metricsUrl);
    const lookups =
      sampleSum(samples, 'ats_cache_misses_total', { cache: 'bars' }) +
      sampleSum(samples, 'ats_cache_hits_total', { cache: 'bars' });
    expect(lookups).toBe(1);
    expect(samples.some((s) => s.name === 'ats_bus_messages_published_total')).toBe(true);
    expect(sampleSum(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(samples.every((s) => s.labels.service === 'api-gateway')).toBe(true);
    if (bars.status === 503) {
      expect(sampleSum(samples, 'ats_errors_total', { component: 'http' })).toBe(1);
    }
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
