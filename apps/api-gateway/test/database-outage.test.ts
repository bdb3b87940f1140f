import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { createPrismaClient } from '@ats/db';
import { createLogger } from '@ats/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../src/dependencies';
import { bearer, type Gateway, startGateway } from './support';

/**
 * During a Postgres outage a probe saw /v1/* answer 500 and the public /health show the raw database error with
 * host and port; /ready listed every service behind the gateway. Here Postgres is a port nothing listens on.
 */
const lines: string[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

/** A loopback port that was just free: connections to it are refused, as to a stopped Postgres. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let gateway: Gateway;
let port: number;
const stopped = { db: undefined as ReturnType<typeof createPrismaClient> | undefined };

beforeAll(async () => {
  port = await closedPort();
  const db = createPrismaClient(`postgresql://postgres@127.0.0.1:${port}/ats`);
  stopped.db = db;
  gateway = await startGateway({
    db,
    probes: { postgres: probe(() => db.$queryRaw`SELECT 1`) },
    requiredServices: ['technical-agent'],
    logger: createLogger({ service: 'api-gateway-test', level: 'info', destination: capture }),
  });
});
afterAll(async () => {
  await gateway?.close();
  await stopped.db?.$disconnect();
});

describe('a Postgres outage', () => {
  it('answers /v1/* with 503 and a clear message, not 500', async () => {
    for (const url of ['/v1/runs', '/v1/portfolio', '/v1/decisions', '/v1/keys']) {
      const response = await gateway.app.inject({ url, headers: bearer(gateway.keys.admin) });
      expect(response.statusCode, `${url}: ${response.body}`).toBe(503);
      expect(response.json().message).toBe('the database is unavailable; try again shortly');
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      expect(response.body).not.toContain(String(port));
    }
  });

  it('shows the public only that the database is down; the reason, with host and port, goes to the log', async () => {
    const health = await gateway.app.inject({ url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({
      status: 'degraded',
      dependencies: { postgres: { status: 'down', error: 'unavailable' } },
    });
    expect(health.body).not.toContain(String(port));
    expect(health.body).not.toContain('127.0.0.1');

    const logged = lines.map((line) => JSON.parse(line) as { msg?: string; reason?: string });
    const down = logged.find((entry) => entry.msg === 'dependency down');
    expect(down?.reason).toContain(String(port));
  });

  it('answers /ready without the services behind the gateway', async () => {
    const ready = await gateway.app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(503);
    const body = ready.json();
    expect(body).toMatchObject({ status: 'degraded', dependencies: { postgres: { status: 'down' } } });
    expect(body).not.toHaveProperty('services');
    expect(body).not.toHaveProperty('missingServices');
    expect(ready.body).not.toContain('technical-agent');
    expect(ready.body).not.toContain(String(port));
  });
});
