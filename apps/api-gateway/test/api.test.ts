import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiGateway } from '../src/app';
import { probe } from '../src/dependencies';
import { bearer, type Gateway, logger, startDataGatewayProcess, startGateway } from './support';

let gateway: Gateway;
let dataGateway: ChildProcess;

beforeAll(async () => {
  gateway = await startGateway();
  dataGateway = await startDataGatewayProcess(gateway.bus);
});

afterAll(async () => {
  dataGateway?.kill('SIGTERM');
  await gateway?.close();
});

describe('GET /v1/bars/:symbol through NATS', () => {
  it('returns the real January 2023 AAPL bars, then serves the closed range from the cache', async () => {
    const url = '/v1/bars/AAPL?from=2023-01-01&to=2023-01-31';
    const response = await gateway.app.inject({ url, headers: bearer(gateway.keys.read) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-cache']).toBe('miss');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.json();
    expect(body).toMatchObject({ symbol: 'AAPL', timeframe: '1d', provider: 'local-csv', count: 20 });
    // AAPL.csv 2023-01-03 at the source's 6 decimals (published open 130.28, close 125.07).
    expect(body.bars[0]).toMatchObject({ ts: '2023-01-03T00:00:00.000Z', open: 130.279999, close: 125.07 });
    expect(body.bars.at(-1).ts).toBe('2023-01-31T00:00:00.000Z');
    expect(response.headers['x-request-id']).toMatch(/^req-/);

    const again = await gateway.app.inject({ url, headers: bearer(gateway.keys.read) });
    expect(again.headers['x-cache']).toBe('hit');
    expect(again.json()).toEqual(body);
  });

  it('needs a key', async () => {
    const response = await gateway.app.inject({ url: '/v1/bars/AAPL?from=2023-01-01&to=2023-01-31' });
    expect(response.statusCode).toBe(401);
  });

  it.each([
    ['a malformed symbol', '/v1/bars/aapl!?from=2023-01-01&to=2023-01-31', /params\.symbol/],
    ['an unknown symbol', '/v1/bars/ZZZZ?from=2023-01-01&to=2023-01-31', /unknown symbol/],
    [
      'a reversed range',
      '/v1/bars/AAPL?from=2023-02-01&to=2023-01-01',
      /querystring\.from: `from` must not be after `to`/,
    ],
    ['an impossible date', '/v1/bars/AAPL?from=2023-13-01&to=2023-12-31', /querystring\.from/],
    ['a missing date', '/v1/bars/AAPL?from=2023-01-01', /querystring\.to/],
  ])('answers %s with 400 and a message', async (_case, url, message) => {
    const response = await gateway.app.inject({ url, headers: bearer(gateway.keys.read) });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(response.json().message).toMatch(message);
  });
});

describe('GET /v1/indicators/:symbol', () => {
  it('computes warm indicators on the first requested bar from earlier history only', async () => {
    const response = await gateway.app.inject({
      url: '/v1/indicators/AAPL?from=2023-06-01&to=2023-06-30',
      headers: bearer(gateway.keys.read),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.ts[0]).toBe('2023-06-01T00:00:00.000Z');
    expect(body.ts.at(-1)).toBe('2023-06-30T00:00:00.000Z');
    expect(body.warmupBars).toBeGreaterThanOrEqual(200);
    expect(body.series.sma200[0]).not.toBeNull();
    expect(body.series.rsi14.every((v: number | null) => v !== null && v >= 0 && v <= 100)).toBe(true);
    // SMA20 on the last bar equals the mean of the last 20 closes (all inside June + late May).
    const bars = (
      await gateway.app.inject({
        url: '/v1/bars/AAPL?from=2023-05-01&to=2023-06-30',
        headers: bearer(gateway.keys.read),
      })
    ).json().bars as { close: number }[];
    const last20 = bars.slice(-20).map((b) => b.close);
    expect(body.series.sma20.at(-1)).toBeCloseTo(last20.reduce((a, b) => a + b, 0) / 20, 9);
    expect(body.close.at(-1)).toBe(bars.at(-1)?.close);
  });

  it('rejects a reversed range', async () => {
    const response = await gateway.app.inject({
      url: '/v1/indicators/AAPL?from=2023-07-01&to=2023-06-30',
      headers: bearer(gateway.keys.read),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().issues[0].path).toBe('querystring.from');
  });
});

describe('health and docs', () => {
  it('reports each dependency; public', async () => {
    const health = await gateway.app.inject({ url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({
      status: 'ok',
      service: 'api-gateway',
      dependencies: { nats: { status: 'up' }, postgres: { status: 'up' } },
    });
    const ready = await gateway.app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok' });
    const detail = await gateway.app.inject({ url: '/v1/ready', headers: bearer(gateway.keys.admin) });
    expect(detail.json()).toMatchObject({ status: 'ok', missingServices: [] });
  });

  it('reports a dead dependency as down and is not ready', async () => {
    const degraded = await buildApiGateway({
      bus: gateway.bus,
      db: gateway.db,
      logger,
      channels: gateway.channels,
      probes: {
        nats: probe(() => gateway.bus.ping()),
        postgres: probe(() => Promise.reject(new Error('ECONNREFUSED'))),
      },
    });
    const health = await degraded.inject({ url: '/health' });
    expect(health.json()).toMatchObject({
      status: 'degraded',
      dependencies: { postgres: { status: 'down', error: 'unavailable' } },
    });
    // The reason is for the log: a public health check never shows a dependency's own error.
    expect(health.body).not.toContain('ECONNREFUSED');
    expect((await degraded.inject({ url: '/ready' })).statusCode).toBe(503);
    await degraded.close();
  });

  it('shares one round of probes between health checks within a second', async () => {
    let pings = 0;
    const counted = await buildApiGateway({
      bus: gateway.bus,
      db: gateway.db,
      logger,
      channels: gateway.channels,
      probes: { nats: probe(async () => pings++) },
    });
    await Promise.all([counted.inject({ url: '/health' }), counted.inject({ url: '/health' })]);
    expect((await counted.inject({ url: '/ready' })).statusCode).toBe(200);
    expect(pings).toBe(1);
    await counted.close();
  });

  it('serves the Swagger UI without a key', async () => {
    const docs = await gateway.app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger-ui');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await gateway.app.inject({ url: '/v1/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json().message).toBe('no route GET /v1/nope');
  });
});
