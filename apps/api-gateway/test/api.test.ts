import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Bus, connectBus } from '@ats/bus';
import { Messages, Subjects } from '@ats/contracts';
import { createPrismaClient } from '@ats/db';
import { createLogger } from '@ats/observability';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiGateway } from '../src/app';
import { probe } from '../src/dependencies';

const natsUrl = process.env.NATS__URL ?? 'nats://127.0.0.1:4222';
const databaseUrl = process.env.DATABASE__URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const logger = createLogger({ service: 'api-gateway-test', level: 'warn' });
const dataGatewayMain = fileURLToPath(new URL('../../data-gateway/src/main.ts', import.meta.url));

let dataGateway: ChildProcess;
let bus: Bus;
let app: FastifyInstance;
const db = createPrismaClient(databaseUrl);

/** The data gateway runs as its own process, as in production: the slice crosses a real process boundary. */
async function startDataGatewayProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', dataGatewayMain], {
    env: { ...process.env, NATS__URL: natsUrl, LOG_LEVEL: 'warn', ENVIRONMENT: 'test' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const reply = await bus
      .request(
        Subjects.historyRequest,
        Messages.historyRequest,
        Messages.historyResponse,
        { symbol: 'AAPL', from: '2023-01-03', to: '2023-01-03' },
        { timeoutMs: 500 },
      )
      .catch(() => undefined);
    if (reply?.ok) return child;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error('data gateway process did not start serving within 20 s');
}

beforeAll(async () => {
  bus = await connectBus({ url: natsUrl, name: 'api-gateway-test', logger });
  dataGateway = await startDataGatewayProcess();
  app = await buildApiGateway({
    bus,
    logger,
    probes: { nats: probe(() => bus.ping()), postgres: probe(() => db.$queryRaw`SELECT 1`) },
  });
  await app.ready();
}, 40_000);

afterAll(async () => {
  await app?.close();
  dataGateway?.kill('SIGTERM');
  await bus?.close();
  await db.$disconnect();
});

describe('GET /v1/bars/:symbol through NATS', () => {
  it('returns the real January 2023 AAPL bars', async () => {
    const response = await app.inject({ url: '/v1/bars/AAPL?from=2023-01-01&to=2023-01-31' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ symbol: 'AAPL', timeframe: '1d', provider: 'local-csv', count: 20 });
    expect(body.bars[0]).toMatchObject({ ts: '2023-01-03T00:00:00.000Z', open: 130.28, close: 125.07 });
    expect(body.bars.at(-1).ts).toBe('2023-01-31T00:00:00.000Z');
    expect(response.headers['x-request-id']).toMatch(/^req-/);
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
    const response = await app.inject({ url });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(response.json().message).toMatch(message);
  });
});

describe('health and docs', () => {
  it('reports each dependency', async () => {
    const health = await app.inject({ url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({
      status: 'ok',
      service: 'api-gateway',
      dependencies: { nats: { status: 'up' }, postgres: { status: 'up' } },
    });
    expect((await app.inject({ url: '/ready' })).statusCode).toBe(200);
  });

  it('reports a dead dependency as down and is not ready', async () => {
    const degraded = await buildApiGateway({
      bus,
      logger,
      probes: {
        nats: probe(() => bus.ping()),
        postgres: probe(() => Promise.reject(new Error('ECONNREFUSED'))),
      },
    });
    const health = await degraded.inject({ url: '/health' });
    expect(health.json()).toMatchObject({
      status: 'degraded',
      dependencies: { postgres: { status: 'down', error: 'ECONNREFUSED' } },
    });
    expect((await degraded.inject({ url: '/ready' })).statusCode).toBe(503);
    await degraded.close();
  });

  it('serves OpenAPI generated from the contracts and the Swagger UI', async () => {
    const spec = (await app.inject({ url: '/openapi.json' })).json();
    expect(spec.openapi).toBe('3.0.3');
    const bars = spec.paths['/v1/bars/{symbol}'].get;
    expect(bars.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'from',
      'symbol',
      'timeframe',
      'to',
    ]);
    expect(bars.responses['200'].content['application/json'].schema.properties.bars.type).toBe('array');
    const docs = await app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger-ui');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await app.inject({ url: '/v1/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json().message).toBe('no route GET /v1/nope');
  });
});
