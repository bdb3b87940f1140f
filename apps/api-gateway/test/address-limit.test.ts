import { randomBytes } from 'node:crypto';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { testServices } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ADDRESS_LIMIT } from '../src/auth/address-limit';
import { bearer, type Gateway, startGateway } from './support';

/**
 * A probe sent 1,500 wrong keys from one address and got 1,500 × 401, each unknown key prefix costing a Postgres
 * lookup: the key limiter ran after authentication. The address limit runs before it.
 */
const FLOOD = 2_000;
const IN_FLIGHT = 20;
const FLOODER = '127.0.0.7';

/** A well-formed key that exists nowhere: a new prefix each time, so only Postgres can say it is unknown. */
const wrongKey = () => `ats_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;

let gateway: Gateway;
let keyLookups = 0;
/** The gateway's Postgres client, counting the key lookups (the query each unknown key prefix costs). */
const db = createPrismaClient(testServices().databaseUrl).$extends({
  query: {
    apiKey: {
      async findUnique({ args, query }) {
        keyLookups += 1;
        return query(args);
      },
    },
  },
});

beforeAll(async () => {
  gateway = await startGateway({ db: db as unknown as PrismaClient });
});
afterAll(async () => {
  await gateway?.close();
  await db.$disconnect();
});

describe('a flood of wrong keys from one address', () => {
  it(`${FLOOD} requests get 429s after the failed-authentication budget, each without a key lookup`, async () => {
    const statuses: number[] = [];
    const lookupsBefore = keyLookups;
    for (let sent = 0; sent < FLOOD; sent += IN_FLIGHT) {
      const batch = await Promise.all(
        Array.from({ length: IN_FLIGHT }, () =>
          gateway.app.inject({ url: '/v1/runs', headers: bearer(wrongKey()), remoteAddress: FLOODER }),
        ),
      );
      statuses.push(...batch.map((r) => r.statusCode));
    }
    const count = (status: number) => statuses.filter((s) => s === status).length;
    // Requests already in flight when the budget runs out still finish their lookup: at most one batch more.
    expect(count(401)).toBeGreaterThanOrEqual(DEFAULT_ADDRESS_LIMIT.failedAuthMax);
    expect(count(401)).toBeLessThanOrEqual(DEFAULT_ADDRESS_LIMIT.failedAuthMax + IN_FLIGHT);
    expect(count(429)).toBe(FLOOD - count(401));
    expect(keyLookups - lookupsBefore).toBe(count(401));

    const refused = await gateway.app.inject({
      url: '/v1/runs',
      headers: bearer(gateway.keys.read),
      remoteAddress: FLOODER,
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().message).toMatch(/failed authentications/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    // Another address is not affected.
    const other = await gateway.app.inject({
      url: '/v1/runs',
      headers: bearer(gateway.keys.read),
      remoteAddress: '127.0.0.8',
    });
    expect(other.statusCode).toBe(200);
  });
});

describe('the request budget per address', () => {
  it('answers 429 past the configured count, before the key is checked', async () => {
    const small = await startGateway({ addressLimit: { max: 5, failedAuthMax: 30, timeWindowMs: 600_000 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const response = await small.app.inject({ url: '/v1/runs', headers: bearer(small.keys.read) });
        statuses.push(response.statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const lookupsBefore = keyLookups;
      const refused = await small.app.inject({ url: '/v1/runs', headers: bearer(wrongKey()) });
      expect(refused.statusCode).toBe(429);
      expect(refused.json().message).toMatch(/5 requests per 600 s from this address/);
      expect(keyLookups).toBe(lookupsBefore);
    } finally {
      await small.close();
    }
  });
});
