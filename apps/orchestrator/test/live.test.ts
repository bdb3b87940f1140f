import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nextNyseSession } from '@ats/market-data';
import {
  bundledEntry,
  dataFolderPath,
  eventually,
  type FakeYahooLive,
  freePort,
  startFakeYahooLive,
  testServices,
  uniqueName,
  within,
} from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The acceptance test of live mode: a loopback Yahoo chart fake reveals one new daily bar per few seconds (and
 * skips one session); the real data gateway process (`--mode=live`) publishes each to MARKET_DATA; the real
 * orchestrator CLI (`--mode=live`, DATA__MODE=distributed) takes them through the data gateway and runs one cycle
 * per new session, and warns with symbol and expected time when the skipped bar does not come.
 */
const ORCHESTRATOR_DIR = fileURLToPath(new URL('..', import.meta.url));
const GATEWAY_DIR = fileURLToPath(new URL('../../data-gateway', import.meta.url));
/** One new bar every this many ms; a bar is late half an interval after it was due. */
const BAR_INTERVAL_MS = within(4_000);
const LATE_AFTER_MS = Math.round(BAR_INTERVAL_MS / 2);
const LIVE_SESSIONS = 6;
const SKIPPED = 3;

interface Running {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
}

function start(cwd: string, script: string, args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [...bundledEntry(script), ...args], {
    cwd,
    env: { ...process.env, ENVIRONMENT: 'test', LLM__PROVIDER: 'offline', ...env },
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const lines = (into: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      const text = partial + chunk.toString();
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      into.push(...parts.filter((line) => line.trim() !== ''));
    };
  };
  child.stdout?.on('data', lines(stdout));
  child.stderr?.on('data', lines(stderr));
  return { child, stdout, stderr };
}

const json = (line: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

describe('orchestrator --mode=live on new bars through the data gateway', () => {
  const symbols = ['LA', 'LB'].map((p) => `${p}${randomBytes(3).toString('hex').toUpperCase()}`);
  const namespace = uniqueName('live');
  let yahoo: FakeYahooLive;
  let gateway: Running;

  beforeAll(async () => {
    const { natsUrl, databaseUrl } = testServices();
    yahoo = await startFakeYahooLive({ symbols, liveSessions: LIVE_SESSIONS, skip: [SKIPPED] });
    const metricsPort = await freePort();
    gateway = start(
      GATEWAY_DIR,
      'src/main.ts',
      ['--mode=live', `--symbols=${symbols.join(',')}`, `--namespace=${namespace}`],
      {
        NATS__URL: natsUrl,
        DATABASE__URL: databaseUrl,
        SERVICE__METRICS_PORT: String(metricsPort),
        LOG_LEVEL: 'warn',
        DATA__PROVIDERS: 'yahoo',
        DATA__DIR: mkdtempSync(join(tmpdir(), 'ats-live-no-data-')),
        DATA__YAHOO_BASE_URL: yahoo.baseUrl,
        DATA__YAHOO_REQUESTS_PER_MINUTE: '6000',
        DATA__PUBLISH_INTERVAL_MS: '300',
        DATA__PUBLISH_LOOKBACK_DAYS: '20',
        DATA__CACHE_BUCKET: uniqueName('live_md_cache'),
      },
    );
    await eventually(
      async () => ((await fetch(`http://127.0.0.1:${metricsPort}/health`)).ok ? true : undefined),
      { what: 'the data gateway /health' },
    );
  });

  afterAll(async () => {
    if (gateway && gateway.child.exitCode === null) {
      gateway.child.kill('SIGTERM');
      await once(gateway.child, 'exit');
    }
    await yahoo?.close();
  });

  it('runs one cycle per new bar and warns with symbol and expected time when a bar is late', async () => {
    const { natsUrl, databaseUrl } = testServices();
    await expectLiveRun(yahoo, symbols, 'data-gateway', [`--namespace=${namespace}`], {
      NATS__URL: natsUrl,
      DATABASE__URL: databaseUrl,
      DATA__MODE: 'distributed',
    });
  });
});

describe('orchestrator --mode=live in embedded mode (no data gateway)', () => {
  const symbols = ['LC', 'LD'].map((p) => `${p}${randomBytes(3).toString('hex').toUpperCase()}`);
  let yahoo: FakeYahooLive;
  beforeAll(async () => {
    yahoo = await startFakeYahooLive({ symbols, liveSessions: LIVE_SESSIONS, skip: [SKIPPED] });
  });
  afterAll(async () => {
    await yahoo?.close();
  });

  it('polls the download providers itself and keeps the same contract: cycles per new bar, late warnings', async () => {
    const { natsUrl, databaseUrl } = testServices();
    await expectLiveRun(yahoo, symbols, 'in-process', [`--namespace=${uniqueName('live-embedded')}`], {
      NATS__URL: natsUrl,
      DATABASE__URL: databaseUrl,
      DATA__MODE: 'embedded',
      DATA__DIR: mkdtempSync(join(tmpdir(), 'ats-live-no-data-')),
      DATA__CACHE_DIR: mkdtempSync(join(tmpdir(), 'ats-live-cache-')),
      DATA__DOWNLOAD: 'auto',
      DATA__YAHOO_BASE_URL: yahoo.baseUrl,
      DATA__PUBLISH_INTERVAL_MS: '300',
    });
  });
});

describe('orchestrator --mode=live on a feed that has stopped', () => {
  it('says so: one late warning per symbol, then a summary and a warning instead of a silent "0 cycles"', async () => {
    const { natsUrl, databaseUrl } = testServices();
    const lastDate = (symbol: string) =>
      (
        readFileSync(dataFolderPath('ohlcv', `${symbol}.csv`), 'utf8')
          .trim()
          .split('\n')
          .at(-1) ?? ''
      ).slice(0, 10);
    const symbols = ['AAPL', 'MSFT'];
    const last = symbols.map(lastDate).sort()[0] as string;
    // The data folder only, no download: nothing new can come after its last session (months before the machine's
    // date, so the next session's bar is long overdue and reported at once).
    const orchestrator = start(
      ORCHESTRATOR_DIR,
      'src/cli.ts',
      ['--mode=live', `--symbols=${symbols.join(',')}`, `--namespace=${uniqueName('live-stale')}`, '--json'],
      {
        NATS__URL: natsUrl,
        DATABASE__URL: databaseUrl,
        DATA__MODE: 'embedded',
        DATA__DIR: dataFolderPath(),
        DATA__DOWNLOAD: 'off',
        LOG_LEVEL: 'warn',
      },
    );
    const exited = once(orchestrator.child, 'exit');
    const lateLines = () =>
      orchestrator.stderr.map(json).filter((line) => typeof line?.session === 'string' && line?.expectedAt);
    await eventually(async () => (lateLines().length >= symbols.length ? true : undefined), {
      what: 'late-bar warnings for a stopped feed',
    });
    orchestrator.child.kill('SIGINT');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    const late = lateLines();
    expect(late.map((line) => line?.symbol).sort()).toEqual(symbols);
    expect(new Set(late.map((line) => line?.session))).toEqual(new Set([nextNyseSession(last)]));
    const summary = orchestrator.stdout.map(json).find((line) => line?.type === 'summary');
    expect(summary).toMatchObject({ mode: 'live', feed: 'in-process', cycles: 0, interrupted: true });
    expect(orchestrator.stderr.join('\n')).toMatch(
      /warning: no new bar came for AAPL,MSFT after \d{4}-\d{2}-\d{2}/,
    );
  });
});

/**
 * Runs the real CLI in live mode until it has had one cycle per revealed session (the fake reveals one every
 * BAR_INTERVAL_MS from the moment the CLI waits for new bars, and skips one), then checks its output and logs.
 */
async function expectLiveRun(
  yahoo: FakeYahooLive,
  symbols: readonly string[],
  feed: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<void> {
  const revealedSessions = yahoo.liveSessions.filter((_, i) => i !== SKIPPED);
  const orchestrator = start(
    ORCHESTRATOR_DIR,
    'src/cli.ts',
    [
      '--mode=live',
      `--symbols=${symbols.join(',')}`,
      `--bar-interval-ms=${BAR_INTERVAL_MS}`,
      `--late-after-ms=${LATE_AFTER_MS}`,
      `--max-cycles=${revealedSessions.length}`,
      `--run-id=${uniqueName('live-run')}`,
      '--json',
      ...args,
    ],
    { LOG_LEVEL: 'info', ...env },
  );
  const exited = once(orchestrator.child, 'exit');
  try {
    // Warmed up on the history the port serves; from now on only new bars.
    await eventually(
      async () =>
        orchestrator.stderr.some((line) => json(line)?.msg === 'live: waiting for new bars')
          ? true
          : undefined,
      { what: 'the orchestrator waiting for new bars' },
    );
    yahoo.revealEvery(BAR_INTERVAL_MS);
    const [code] = (await Promise.race([
      exited,
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error('live run did not finish')),
          BAR_INTERVAL_MS * (LIVE_SESSIONS + 2) + within(60_000),
        ),
      ),
    ])) as [number | null];
    expect(code, orchestrator.stderr.slice(-20).join('\n')).toBe(0);
  } finally {
    if (orchestrator.child.exitCode === null) orchestrator.child.kill('SIGKILL');
  }
  const out = orchestrator.stdout.map(json).filter((line) => line !== undefined);
  const cycles = out.filter((line) => line.type === 'cycle');
  // One cycle per new session, in order; the decision time is the bar's close (the next midnight UTC).
  const sessionOf = (asOf: unknown) =>
    new Date(Date.parse(String(asOf)) - 86_400_000).toISOString().slice(0, 10);
  expect(cycles.map((c) => sessionOf(c.asOf))).toEqual(revealedSessions);
  for (const cycle of cycles) {
    expect((cycle.rows as { symbol: string }[]).map((r) => r.symbol).sort()).toEqual([...symbols].sort());
  }

  // The skipped session: one warning per symbol, with the expected time; none for bars that came.
  const late = orchestrator.stderr
    .map(json)
    .filter((line) => line?.level === 40 || line?.level === 'warn')
    .filter((line) => typeof line?.session === 'string' && typeof line?.expectedAt === 'string');
  const skipped = yahoo.liveSessions[SKIPPED];
  expect(
    late
      .filter((line) => line?.session === skipped)
      .map((line) => line?.symbol)
      .sort(),
  ).toEqual([...symbols].sort());
  expect(late.filter((line) => revealedSessions.includes(String(line?.session)))).toEqual([]);
  const summary = out.find((line) => line.type === 'summary');
  expect(summary).toMatchObject({ mode: 'live', feed, cycles: revealedSessions.length });
  expect(((summary?.lateBars ?? []) as { session: string }[]).map((b) => b.session)).toContain(skipped);
  console.log(
    JSON.stringify({
      liveRun: {
        feed,
        cycles: cycles.length,
        lateWarning: late.find((l) => l?.session === skipped),
        latency: summary?.latency,
      },
    }),
  );
}
