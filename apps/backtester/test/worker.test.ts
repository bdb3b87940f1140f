import { runBacktestJob } from '@ats/backtest-jobs';
import { connectBus, type NatsBus } from '@ats/bus';
import { ApiMessages, BacktestRequestSchema, Headers } from '@ats/contracts';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { LocalCsvProvider } from '@ats/market-data';
import { createLogger } from '@ats/observability';
import { testServices, uniqueName, within } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestQueue } from '../src/queue';
import { expandSweep, parseSweepAxis } from '../src/sweep';
import { readRuns, renderSweepTable, submitSweep, waitForRuns } from '../src/sweep-queue';
import { type RunningWorker, startBacktestWorker } from '../src/worker';

const logger = createLogger({ service: 'backtester-worker-test', level: 'warn' });
const queue = backtestQueue(uniqueName('btq'));
const bars = new LocalCsvProvider();
const buses: NatsBus[] = [];
const workers: RunningWorker[] = [];
let prisma: PrismaClient;
let publisher: NatsBus;

const connect = async (name: string) => {
  const bus = await connectBus({ url: testServices().natsUrl, name, logger });
  buses.push(bus);
  return bus;
};

/** Jobs with this capital meet an unreachable dependency on every delivery (a transient error that never clears). */
const UNLUCKY_CAPITAL = 12_345;

const base = BacktestRequestSchema.parse({
  symbols: ['AAPL', 'GOOGL'],
  start: '2023-01-01',
  end: '2023-03-31',
  attribution: false,
});

beforeAll(async () => {
  prisma = createPrismaClient(testServices().databaseUrl);
  publisher = await connect('sweep-publisher');
  // Two workers, each with its own connection and database client, as two processes would have.
  for (const name of ['a', 'b']) {
    workers.push(
      await startBacktestWorker({
        bus: await connect(`worker-${name}`),
        prisma: createPrismaClient(testServices().databaseUrl),
        bars,
        queue,
        logger,
        workerId: `worker-${name}`,
        maxDeliveries: 2,
        backoffMs: [100],
        jobDeps: async (request) => {
          if (request.capital === UNLUCKY_CAPITAL) throw new Error('agent services unreachable');
          return {};
        },
      }),
    );
  }
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await publisher?.deleteStream(queue.stream.name);
  await Promise.all(buses.map((b) => b.close()));
  await prisma?.$disconnect();
});

const totals = () =>
  workers
    .map((w) => w.stats())
    .reduce((a, s) => ({
      completed: a.completed + s.completed,
      failed: a.failed + s.failed,
      retried: a.retried + s.retried,
      duplicates: a.duplicates + s.duplicates,
      deadLettered: a.deadLettered + s.deadLettered,
    }));

describe('backtest workers on the JetStream work queue', () => {
  it('runs 3 sweep jobs with 2 workers: each completes exactly once in Postgres', async () => {
    const cases = expandSweep(base, [parseSweepAxis('weights.technical=0.4,0.6,0.8')]);
    const sweep = await submitSweep({ bus: publisher, prisma, queue }, cases, 'test');
    // Publishing the same run again (a retried publish) is de-duplicated by its message id.
    const again = await publisher.publishDurable(
      queue.subject,
      ApiMessages.backtestJob,
      {
        runId: sweep.runIds[0] as string,
        request: cases[0]?.request ?? base,
        requestedBy: 'test',
        requestedAt: new Date().toISOString(),
      },
      { messageId: sweep.runIds[0] as string },
    );
    expect(again.duplicate).toBe(true);

    const rows = await waitForRuns(prisma, sweep.runIds, { timeoutMs: 60_000, pollMs: 100 });
    expect(rows.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    expect(await prisma.backtestResult.count({ where: { runId: { in: [...sweep.runIds] } } })).toBe(3);
    expect(totals()).toMatchObject({ completed: 3, failed: 0, duplicates: 0 });
    const runs = await prisma.run.findMany({ where: { correlationId: sweep.sweepId } });
    expect(runs).toHaveLength(3);
    expect(runs.every((r) => r.finishedAt !== null && r.finishedAt >= r.startedAt)).toBe(true);

    // The stored metrics are the job's own: the same request run here gives the same Sharpe.
    const direct = await runBacktestJob(cases[2]?.request ?? base, { bars });
    expect(rows[2]?.metrics?.sharpe).toBeCloseTo(direct.performance.metrics.sharpe ?? Number.NaN, 6);
    const stored = await prisma.backtestResult.findUnique({ where: { runId: sweep.runIds[2] as string } });
    expect(stored?.reportHtml).toContain('AAPL, GOOGL');
    expect((stored?.equityCurve as unknown[] | undefined)?.length).toBe(direct.result.equityCurve.length);

    const table = renderSweepTable(cases, rows);
    expect(table.split('\n')[1]).toMatch(/^weights\.technical=0\.4\s+2023-01-01\.\.2023-03-31\s+completed/);
    console.info(
      `sweep table:\n${table}per worker: ${workers.map((w) => `${w.workerId} ${w.stats().completed}`).join(', ')}`,
    );
  });

  it('acks a redelivered job whose result is stored without running it again', async () => {
    const [done] = await prisma.run.findMany({
      where: { status: 'completed', backtestResult: { isNot: null } },
      take: 1,
    });
    const before = totals();
    await publisher.publishDurable(
      queue.subject,
      ApiMessages.backtestJob,
      {
        runId: done?.id as string,
        request: base,
        requestedBy: 'test',
        requestedAt: new Date().toISOString(),
      },
      { messageId: `${done?.id}-redelivered` },
    );
    await expect.poll(() => totals().duplicates - before.duplicates, { timeout: within(60_000) }).toBe(1);
    expect(totals().completed).toBe(before.completed);
    expect(await prisma.backtestResult.count({ where: { runId: done?.id as string } })).toBe(1);
  });

  it('records a job that cannot succeed as failed and dead-letters it', async () => {
    const letters: { reason: string | undefined; deliveries: string | undefined }[] = [];
    const dlq = publisher.connection.subscribe(queue.deadLetterSubject, {
      callback: (_err, msg) => {
        letters.push({
          reason: msg.headers?.get(Headers.deadLetterReason),
          deliveries: msg.headers?.get(Headers.deadLetterDeliveries),
        });
      },
    });
    const cases = expandSweep(
      BacktestRequestSchema.parse({ ...base, start: '2031-01-01', end: '2031-06-30' }),
      [],
    );
    const sweep = await submitSweep({ bus: publisher, prisma, queue }, cases, 'test');
    const [row] = await waitForRuns(prisma, sweep.runIds, { timeoutMs: within(120_000), pollMs: 100 });
    expect(row?.status).toBe('failed');
    expect(row?.failure).toMatch(/no AAPL bars between 2031-01-01 and 2031-06-30/);
    await expect.poll(() => letters.length, { timeout: within(60_000) }).toBe(1);
    dlq.unsubscribe();
    // A data problem is permanent: dead-lettered on the first delivery, not retried.
    expect(letters[0]).toEqual({
      reason: expect.stringMatching(/^handler_error: no AAPL bars/),
      deliveries: '1',
    });
    expect(await prisma.backtestResult.count({ where: { runId: row?.id as string } })).toBe(0);
  });

  it('retries a failing job with backoff, then records it failed and dead-letters it after max deliveries', async () => {
    const letters: (string | undefined)[] = [];
    const dlq = publisher.connection.subscribe(queue.deadLetterSubject, {
      callback: (_err, msg) => {
        letters.push(msg.headers?.get(Headers.deadLetterReason));
      },
    });
    const before = totals();
    const cases = expandSweep({ ...base, capital: UNLUCKY_CAPITAL }, []);
    const sweep = await submitSweep({ bus: publisher, prisma, queue }, cases, 'test');
    const [row] = await waitForRuns(prisma, sweep.runIds, { timeoutMs: within(120_000), pollMs: 100 });
    expect(row?.status).toBe('failed');
    expect(totals().retried - before.retried).toBe(1);
    await expect.poll(() => letters.length, { timeout: within(60_000) }).toBe(1);
    dlq.unsubscribe();
    expect(letters[0]).toMatch(
      /^max_deliveries: failed 2 deliveries, last error: agent services unreachable/,
    );
    const stored = await readRuns(prisma, sweep.runIds);
    expect(stored[0]?.failure).toBe('agent services unreachable');
  });
});
