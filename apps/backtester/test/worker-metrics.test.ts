import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { connectBus, type NatsBus } from '@ats/bus';
import { BacktestRequestSchema } from '@ats/contracts';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { parseExposition, sampleSum } from '@ats/metrics';
import { bundledEntry, testServices, uniqueName, within } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backtestQueue } from '../src/queue';
import { expandSweep } from '../src/sweep';
import { submitSweep, waitForRuns } from '../src/sweep-queue';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const namespace = uniqueName('btmetrics');
const queue = backtestQueue(namespace);

let worker: ChildProcess;
let metricsUrl: string;
let bus: NatsBus;
let prisma: PrismaClient;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

beforeAll(async () => {
  const { natsUrl, databaseUrl } = testServices();
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}`;
  worker = spawn(process.execPath, [...bundledEntry(MAIN), '--worker', `--namespace=${namespace}`], {
    env: {
      ...process.env,
      NATS__URL: natsUrl,
      DATABASE__URL: databaseUrl,
      SERVICE__METRICS_PORT: String(port),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  bus = await connectBus({ url: natsUrl, name: 'worker-metrics-test' });
  prisma = createPrismaClient(databaseUrl);
  // The first start builds the backtester's bundle; the run's other projects share the machine's two cores.
  const deadline = Date.now() + within(120_000);
  while (
    (await fetch(`${metricsUrl}/health`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  ) {
    if (Date.now() > deadline) throw new Error('backtester worker did not serve /health within 45 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}, within(180_000));

afterAll(async () => {
  if (worker && worker.exitCode === null) worker.kill('SIGKILL');
  await bus?.deleteStream(queue.stream.name);
  await bus?.close();
  await prisma?.$disconnect();
});

const scrape = async () => parseExposition(await (await fetch(`${metricsUrl}/metrics`)).text());

describe('backtester worker metrics (src/main.ts --worker)', () => {
  it('after one completed and one failed job: failed jobs by error class, queue lag, bus and process families', async () => {
    const good = BacktestRequestSchema.parse({
      symbols: ['AAPL'],
      start: '2023-01-01',
      end: '2023-02-28',
      attribution: false,
    });
    // No bars in 2031: a data problem, failed on its first delivery.
    const doomed = BacktestRequestSchema.parse({ ...good, start: '2031-01-01', end: '2031-02-28' });
    const sweep = await submitSweep(
      { bus, prisma, queue },
      [...expandSweep(good, []), ...expandSweep(doomed, [])],
      'test',
    );
    const rows = await waitForRuns(prisma, sweep.runIds, { timeoutMs: 30_000, pollMs: 100 });
    expect(rows.map((r) => r.status).sort()).toEqual(['completed', 'failed']);

    // The failure is counted just after its row is written: poll past that instant.
    await expect
      .poll(async () =>
        sampleSum(await scrape(), 'ats_errors_total', { component: 'job', kind: 'BacktestDataError' }),
      )
      .toBe(1);
    const samples = await scrape();
    expect(sampleSum(samples, 'ats_errors_total')).toBe(1);
    const lag = { stream: queue.stream.name, consumer: queue.durable };
    expect(samples.filter((s) => s.name === 'ats_bus_consumer_pending_messages')).toEqual([
      { name: 'ats_bus_consumer_pending_messages', labels: { ...lag, service: 'backtester' }, value: 0 },
    ]);
    expect(sampleSum(samples, 'ats_bus_consumer_ack_pending_messages', lag)).toBe(0);
    expect(samples.some((s) => s.name === 'ats_bus_messages_published_total')).toBe(true);
    expect(sampleSum(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    const health = (await (await fetch(`${metricsUrl}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', service: 'backtester', completed: 1, failed: 1 });
    expect(typeof health.natsRttMs).toBe('number');
  });

  it('SIGTERM drains and exits 0, closing the metrics port', async () => {
    const exited = new Promise<number | null>((done) => worker.once('exit', (code) => done(code)));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${metricsUrl}/health`)).rejects.toThrow();
  });
});
