import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Gateway, startGateway } from './support';

/**
 * Input a probe sent to every route that takes an id: a NUL byte reached Postgres (which refuses it in text) and
 * a cursor dated year −271821 reached a timestamp comparison; both answered 500. Each is the client's mistake: 400.
 */
let gateway: Gateway;

beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => gateway?.close());

const NUL = '%00';
const cursorOf = (ts: string, id: string) => Buffer.from(JSON.stringify([ts, id])).toString('base64url');

/** Every route taking an id in its path or query, with the NUL byte in that id. */
const ROUTES_WITH_IDS: readonly [method: 'GET' | 'POST', url: string, key: 'read' | 'trade' | 'admin'][] = [
  ['GET', `/v1/backtests/bt${NUL}1`, 'read'],
  ['GET', `/v1/backtests/bt${NUL}1/report`, 'read'],
  ['GET', `/v1/paper-runs/run${NUL}1`, 'read'],
  ['POST', `/v1/keys/k${NUL}1/revoke`, 'admin'],
  ['POST', `/v1/keys/k${NUL}1/rotate`, 'admin'],
  ['POST', `/v1/cycles/corr${NUL}-12345678/replay`, 'trade'],
  ['GET', `/v1/portfolio?runId=run${NUL}1`, 'read'],
  ['GET', `/v1/portfolio/equity?runId=run${NUL}1`, 'read'],
  ['GET', `/v1/positions?runId=run${NUL}1`, 'read'],
  ['GET', `/v1/orders?runId=run${NUL}1`, 'read'],
  ['GET', `/v1/fills?runId=run${NUL}1`, 'read'],
  ['GET', `/v1/decisions?runId=run${NUL}1`, 'read'],
  ['GET', `/v1/decisions?correlationId=corr${NUL}1`, 'read'],
  ['GET', `/v1/decisions?cursor=${cursorOf('2023-06-01T00:00:00.000Z', 'a\u0000b')}`, 'read'],
];

describe('a NUL byte in an id', () => {
  it.each(ROUTES_WITH_IDS)('%s %s answers 400', async (method, url, key) => {
    const response = await gateway.app.inject({
      method,
      url,
      headers: bearer(gateway.keys[key]),
      ...(method === 'POST' ? { payload: {} } : {}),
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().statusCode).toBe(400);
  });
});

describe('decision times outside what the database can compare', () => {
  it.each([
    ['a cursor at the earliest JavaScript date', `cursor=${cursorOf('-271821-04-20T00:00:00.000Z', 'x')}`],
    ['a cursor at the latest JavaScript date', `cursor=${cursorOf('+275760-09-13T00:00:00.000Z', 'x')}`],
    ['a cursor in year 0', `cursor=${cursorOf('0000-01-01T00:00:00.000Z', 'x')}`],
  ])('%s answers 400', async (_case, query) => {
    const response = await gateway.app.inject({
      url: `/v1/decisions?${query}`,
      headers: bearer(gateway.keys.read),
    });
    expect(response.statusCode, response.body).toBe(400);
  });

  it('still serves the earliest and latest times a cursor may carry', async () => {
    for (const ts of ['0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z']) {
      const response = await gateway.app.inject({
        url: `/v1/decisions?cursor=${cursorOf(ts, 'x')}`,
        headers: bearer(gateway.keys.read),
      });
      expect(response.statusCode, response.body).toBe(200);
    }
  });

  it.each([
    ['from', 'from=0000-01-01T00:00:00.000Z'],
    ['to', 'to=0000-01-01T00:00:00.000Z'],
  ])('a `%s` in year 0 answers 400', async (field, query) => {
    const response = await gateway.app.inject({
      url: `/v1/decisions?${query}`,
      headers: bearer(gateway.keys.read),
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().issues[0].path).toBe(`querystring.${field}`);
  });
});
