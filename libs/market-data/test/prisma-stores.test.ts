import { randomUUID } from 'node:crypto';
import { type Bar, ManualClock } from '@ats/contracts';
import { createPrismaClient, deployMigrations, type PrismaClient } from '@ats/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CachedMarketData,
  FailoverMarketData,
  PrismaBarStore,
  PrismaProviderCallRecorder,
  YahooChartProvider,
} from '../src/index';
import { FakeProvider, json } from './fake-provider';

const ADMIN_URL = process.env.DATABASE__URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const JAN_3_TO_6 = { symbol: 'AAPL', timeframe: '1d', from: '2023-01-03', to: '2023-01-06' } as const;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('Prisma bar store (L3) and provider-call recorder on real Postgres', () => {
  const database = `ats_md_test_${(process.env.ATS_TEST_RUN_ID ?? '').replace(/\W/g, '') || 'local'}_${randomUUID().slice(0, 8)}`;
  const fake = new FakeProvider(() => json('yahoo/chart-1d-AAPL.json'));
  const clock = new ManualClock('2023-01-07T12:00:00Z');
  let prisma: PrismaClient;

  beforeAll(async () => {
    await admin(`CREATE DATABASE "${database}"`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    await deployMigrations({ databaseUrl: url.toString() });
    prisma = createPrismaClient(url.toString());
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await fake.stop();
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  it('stores closed bars once, serves them back as L3 hits, and records each provider call', async () => {
    const yahoo = new YahooChartProvider({ baseUrl: await fake.start(), clock });
    const recorder = new PrismaProviderCallRecorder(prisma);
    const source = new FailoverMarketData({ providers: [yahoo], clock, recorder });
    const store = new PrismaBarStore(prisma);

    const fetched = await new CachedMarketData({ source, clock, store }).getBars(JAN_3_TO_6);
    expect(fetched.cache).toBe('miss');
    expect(await prisma.bar.count()).toBe(4);
    // A second write of the same immutable bars adds nothing.
    expect(await store.saveBars(fetched.bars, 'yahoo')).toBe(0);

    const fresh = new CachedMarketData({ source, clock, store });
    const fromStore = await fresh.getBars(JAN_3_TO_6);
    expect(fromStore).toEqual({ ...fetched, cache: 'l3' });
    expect(fake.requests).toHaveLength(1);

    // The fixture's closes and adjusted closes come back exactly, adjClose included (the adj_close column).
    expect(fromStore.bars.map((b) => [b.ts.slice(0, 10), b.close, b.adjClose, b.adjusted])).toEqual([
      ['2023-01-03', 125.07, 123.1389, false],
      ['2023-01-04', 126.36, 124.409, false],
      ['2023-01-05', 125.02, 123.0897, false],
      ['2023-01-06', 129.62, 127.6187, false],
    ]);
    // A bar without an adjusted close stays without one.
    const plain = { ...(fetched.bars[0] as Bar), symbol: 'PLAIN' };
    delete (plain as { adjClose?: number }).adjClose;
    expect(await store.saveBars([plain], 'local-csv')).toBe(1);
    expect((await store.loadBars('PLAIN', '1d', '2023-01-03', '2023-01-03')).bars).toEqual([plain]);

    await source.flushCallRecords();
    const calls = await prisma.providerCall.findMany();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      provider: 'yahoo',
      endpoint: 'bars',
      symbol: 'AAPL',
      status: 'ok',
      errorKind: null,
    });
    expect(calls[0]?.calledAt.toISOString()).toBe('2023-01-07T12:00:00.000Z');
  });
});
