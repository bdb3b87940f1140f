import type { NatsBus } from '@ats/bus';
import { ContractValidationError, Messages } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import { eventually, testRequestTimeoutMs, uniqueName } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewaySubjects } from '../src/gateway';
import { FakeAlphaVantage } from './fake-alpha-vantage';
import {
  connectTestBus,
  type GatewayInstance,
  openPrisma,
  startGatewayInstance,
  testSubjects,
} from './harness';

let prisma: PrismaClient;
let client: NatsBus;
const started: GatewayInstance[] = [];

beforeAll(async () => {
  prisma = openPrisma();
  client = await connectTestBus('data-gateway-client');
});
afterAll(async () => {
  await Promise.all(started.map((g) => g.stop()));
  await client?.close();
  await prisma?.$disconnect();
});

async function gateway(options: Omit<Parameters<typeof startGatewayInstance>[0], 'prisma'>) {
  const instance = await startGatewayInstance({ ...options, prisma });
  started.push(instance);
  return instance;
}

const history = (subjects: GatewaySubjects, payload: { symbol: string; from: string; to: string }) =>
  client.request(subjects.history, Messages.historyRequest, Messages.historyResponse, payload, {
    timeoutMs: testRequestTimeoutMs(),
  });

describe('history over NATS request/reply, offline', () => {
  const subjects = testSubjects();
  beforeAll(async () => {
    const instance = await gateway({ subjects, bucket: uniqueName('md_cache') });
    // The bucket is this test's own; remove it with the test.
    afterAll(() => instance.chain.sharedCache?.destroy());
  });

  it('returns the 250 real daily bars of AAPL in 2023 from the bundled data', async () => {
    const reply = await history(subjects, { symbol: 'AAPL', from: '2023-01-01', to: '2023-12-31' });
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    expect(reply.data.provider).toBe('local-csv');
    expect(reply.data.bars).toHaveLength(250);
    expect(reply.data.bars[0]).toMatchObject({ ts: '2023-01-03T00:00:00.000Z', close: 125.07 });
    expect(reply.data.bars.at(-1)).toMatchObject({ ts: '2023-12-29T00:00:00.000Z', close: 192.529999 });
  });

  it('answers an unknown symbol with not_found, and rejects a reversed range before sending it', async () => {
    const unknown = await history(subjects, { symbol: 'ZZZZ', from: '2023-01-01', to: '2023-01-31' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    if (!unknown.ok) expect(unknown.error.message).not.toContain('/');
    await expect(
      history(subjects, { symbol: 'AAPL', from: '2023-02-01', to: '2023-01-01' }),
    ).rejects.toBeInstanceOf(ContractValidationError);
  });
});

describe('failover', () => {
  const fake = new FakeAlphaVantage(() => ({ fixture: 'note-rate-limit.json' }));
  const subjects = testSubjects();

  beforeAll(async () => {
    const instance = await gateway({
      subjects,
      bucket: uniqueName('md_cache'),
      env: {
        DATA__PROVIDERS: 'alpha-vantage,local',
        ALPHA_VANTAGE_API_KEY: 'test-key',
        DATA__ALPHA_VANTAGE_BASE_URL: await fake.start(),
      },
    });
    afterAll(async () => {
      await instance.chain.sharedCache?.destroy();
      await fake.stop();
    });
  });

  it('serves history from the bundled data when Alpha Vantage answers 200 with a rate-limit Note, and says so', async () => {
    const since = new Date();
    const reply = await history(subjects, { symbol: 'MSFT', from: '2021-01-04', to: '2021-03-31' });
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    expect(reply.data.provider).toBe('local-csv');
    expect(reply.data.bars[0]?.ts).toBe('2021-01-04T00:00:00.000Z');
    expect(reply.data.bars.at(-1)?.ts).toBe('2021-03-31T00:00:00.000Z');
    expect(fake.calls('TIME_SERIES_DAILY')).toBe(1);

    const started = started_(since);
    // The audit rows are written beside the reply, not before it (an audit write never delays an answer): wait for
    // the second one, which a busy machine can store after the reply arrived.
    const audit = await eventually(
      async () => {
        const rows = await prisma.providerCall.findMany({
          where: { symbol: 'MSFT', endpoint: 'bars', calledAt: { gte: started } },
          orderBy: { calledAt: 'asc' },
        });
        return rows.length >= 2 ? rows : undefined;
      },
      { what: 'both provider calls in provider_calls' },
    );
    expect(audit.map((row) => [row.provider, row.status, row.errorKind])).toEqual([
      ['alpha-vantage', 'error', 'rate_limited'],
      ['local-csv', 'ok', null],
    ]);
  });
});

/** Postgres keeps microseconds, JS milliseconds: start the window one ms early. */
const started_ = (since: Date) => new Date(since.getTime() - 1);

describe('cache tiers across two gateway instances', () => {
  const subjects = testSubjects();
  const bucket = uniqueName('md_cache');
  const ranges = ['2018', '2019', '2020', '2021', '2022'].map((year) => ({
    symbol: 'NVDA',
    from: `${year}-01-01`,
    to: `${year}-12-31`,
  }));

  const timed = async (range: (typeof ranges)[number]) => {
    const t0 = performance.now();
    const reply = await history(subjects, range);
    const ms = performance.now() - t0;
    expect(reply.ok).toBe(true);
    return ms;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

  it("lets the second instance answer its first request from the first one's L2 entry", async () => {
    const first = await gateway({ subjects, bucket });
    const cold: number[] = [];
    for (const range of ranges) cold.push(await timed(range));
    const hot: number[] = [];
    for (const range of ranges) hot.push(await timed(range));
    expect(first.chain.cached.cacheStats().l1.hits).toBe(ranges.length);

    // A second process on its own connection joins the queue group; the first one leaves.
    const second = await gateway({ subjects, bucket });
    await first.gateway.stop();
    const fromL2: number[] = [];
    for (const range of ranges) fromL2.push(await timed(range));
    expect(second.chain.cached.cacheStats()).toEqual({
      l1: { hits: 0, misses: ranges.length },
      l2: { hits: ranges.length, misses: 0 },
      l3: { hits: 0, misses: 0 },
    });

    // A third instance with an empty L2 finds the closed bars in Postgres (L3).
    const third = await gateway({ subjects, bucket: uniqueName('md_cache') });
    await second.gateway.stop();
    const fromL3: number[] = [];
    for (const range of ranges) fromL3.push(await timed(range));
    expect(third.chain.cached.cacheStats().l3).toEqual({ hits: ranges.length, misses: 0 });
    await third.chain.sharedCache?.destroy();
    await first.chain.sharedCache?.destroy();

    console.log(
      JSON.stringify({
        historyLatencyMs: {
          request: 'NVDA one year of daily bars (~251 bars), request/reply over NATS, median of 5',
          cold: +median(cold).toFixed(2),
          l1: +median(hot).toFixed(2),
          l2: +median(fromL2).toFixed(2),
          l3: +median(fromL3).toFixed(2),
        },
      }),
    );
  });
});
