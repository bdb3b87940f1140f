import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '@ats/config';
import { ManualClock } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import { bundledEntry, testServices } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillBars } from '../src/backfill';
import { gatewaySettingsFrom } from '../src/gateway-settings';
import { buildMarketDataChain } from '../src/market-data-chain';
import { logger, openPrisma } from './harness';

const run = promisify(execFile);
const appDir = fileURLToPath(new URL('..', import.meta.url));
let prisma: PrismaClient;

beforeAll(() => {
  prisma = openPrisma();
});
afterAll(async () => {
  await prisma?.$disconnect();
});

/** Runs the backfill command as `nx run data-gateway:backfill` does (the package script), on the test database. */
async function backfillCommand(args: string[]) {
  const { stdout } = await run(process.execPath, [...bundledEntry('src/backfill-main.ts'), ...args], {
    cwd: appDir,
    env: {
      ...process.env,
      DATABASE__URL: testServices().databaseUrl,
      DATA__PROVIDERS: 'local',
      LOG_LEVEL: 'warn',
    },
  });
  return stdout;
}

const aapl2023 = {
  symbol: 'AAPL',
  timeframe: '1d',
  ts: { gte: new Date('2023-01-01T00:00:00Z'), lte: new Date('2023-12-31T23:59:59Z') },
};

describe('backfill', () => {
  it('writes the 250 AAPL bars of 2023 once; a second run writes nothing new', async () => {
    // Other test files may have cached these bars in L3 already.
    await prisma.bar.deleteMany({ where: aapl2023 });
    const args = ['--symbols=AAPL', '--start=2023-01-01', '--end=2023-12-31'];

    const first = await backfillCommand(args);
    expect(first.trim().split('\n')).toEqual([
      expect.stringMatching(/^symbol\s+provider\s+fetched\s+written\s+dropped\s+error$/),
      expect.stringMatching(/^AAPL\s+local-csv\s+250\s+250\s+0$/),
    ]);
    expect(await prisma.bar.count({ where: { ...aapl2023, source: 'local-csv', adjusted: false } })).toBe(
      250,
    );

    const second = await backfillCommand(args);
    expect(second).toMatch(/AAPL\s+local-csv\s+250\s+0\s+0/);
    expect(await prisma.bar.count({ where: aapl2023 })).toBe(250);
  });

  it('reports a symbol no provider has and still backfills the others', async () => {
    const config = loadConfig({ env: {}, envFile: null });
    const chain = await buildMarketDataChain({
      config: gatewaySettingsFrom(config).marketData,
      clock: new ManualClock('2024-01-02T12:00:00Z'),
      logger,
      prisma,
    });
    const store = chain.store;
    if (!store) throw new Error('the chain was given Prisma');
    const rows = await backfillBars(chain.failover, store, new ManualClock('2024-01-02T12:00:00Z'), {
      symbols: ['ZZZZ', 'TSLA'],
      from: '2016-01-01',
      to: '2016-01-31',
    });
    await chain.close();
    expect(rows).toEqual([
      expect.objectContaining({ symbol: 'ZZZZ', provider: null, written: 0, error: expect.any(String) }),
      // January 2016: 19 NYSE sessions (New Year's Day and MLK Day closed).
      expect.objectContaining({ symbol: 'TSLA', provider: 'local-csv', fetched: 19 }),
    ]);
  });
});

describe('backfill command line', () => {
  const command = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    run(process.execPath, [...bundledEntry('src/backfill-main.ts'), ...args], {
      cwd: appDir,
      env: { ...process.env, DATA__PROVIDERS: 'local', LOG_LEVEL: 'warn', ...env },
    });

  it('answers --help with its usage on stdout and exit 0', async () => {
    const { stdout, stderr } = await command(['--', '--help']);
    expect(stdout).toMatch(/^usage: backfill --symbols=/);
    expect(stderr).toBe('');
  });

  it('refuses an unknown flag with one line on stderr and exit 2', async () => {
    const failure = (await command(['--bogus']).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(failure.code).toBe(2);
    expect(failure.stderr.trim().split('\n')).toEqual([
      "backfill: Unknown option '--bogus' (--help for usage)",
    ]);
  });

  it('backfills into a fresh, empty database without a prior db:migrate', async () => {
    const name = `dg_fresh_${Date.now()}_${process.pid}`;
    await prisma.$executeRawUnsafe(`CREATE DATABASE "${name}"`);
    const url = new URL(testServices().databaseUrl);
    url.pathname = `/${name}`;
    try {
      const { stdout, stderr } = await command(['--symbols=AAPL', '--start=2023-01-03', '--end=2023-01-06'], {
        DATABASE__URL: url.toString(),
      });
      expect(stdout).toMatch(/AAPL\s+local-csv\s+4\s+4\s+0/);
      expect(stderr).not.toMatch(/P2021|does not exist|\n\s+at /);
    } finally {
      await prisma.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });
});
