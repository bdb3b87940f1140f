import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectBus } from '@ats/bus';
import { createPrismaClient } from '@ats/db';
import { bundledEntry, testServices, uniqueName, within } from '@ats/tool-testing';
import { afterAll, describe, expect, it } from 'vitest';
import { backtestQueue } from '../src/queue';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const namespace = uniqueName('btcli');

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function start(args: readonly string[]): {
  child: ChildProcess;
  done: Promise<Finished>;
  stderr: () => string;
} {
  const { natsUrl, databaseUrl } = testServices();
  const child = spawn(process.execPath, [...bundledEntry(MAIN), ...args, `--namespace=${namespace}`], {
    env: {
      ...process.env,
      NATS__URL: natsUrl,
      DATABASE__URL: databaseUrl,
      LOG_LEVEL: 'info',
      NO_COLOR: '1',
      SERVICE__METRICS_PORT: '0',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<Finished>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done, stderr: () => stderr };
}

const workers: ChildProcess[] = [];

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  const bus = await connectBus({ url: testServices().natsUrl, name: 'cleanup' });
  await bus.deleteStream(backtestQueue(namespace).stream.name);
  await bus.close();
});

describe('nx run backtester:start (--worker) and a queued walk-forward sweep', () => {
  it('a worker process runs the 4 jobs of a 2-window x 2-value sweep; the CLI prints the table; SIGTERM stops it', async () => {
    const worker = start(['--worker']);
    workers.push(worker.child);
    await expect
      .poll(() => worker.stderr(), { timeout: within(120_000), interval: 100 })
      .toContain('backtest worker ready');

    const out = mkdtempSync(join(tmpdir(), 'sweep-cli-'));
    const sweep = start([
      '--symbols=AAPL,MSFT',
      '--start=2023-01-01',
      '--end=2023-06-30',
      '--walk-forward=3m',
      '--sweep=rebalance=weekly,monthly',
      '--no-attribution',
      '--wait-timeout=60',
      `--out=${out}`,
    ]);
    const result = await sweep.done;
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^case\s+window\s+status\s+return/);
    expect(lines.slice(1, 5).map((l) => l.split(/\s{2,}/).slice(0, 3))).toEqual([
      ['rebalance=weekly', '2023-01-01..2023-03-31', 'completed'],
      ['rebalance=monthly', '2023-01-01..2023-03-31', 'completed'],
      ['rebalance=weekly', '2023-04-01..2023-06-30', 'completed'],
      ['rebalance=monthly', '2023-04-01..2023-06-30', 'completed'],
    ]);
    // Under the table: the overfitting statistics of the 2 cases and the walk-forward IS/OOS row of window 2.
    expect(result.stdout).toContain('Overfitting statistics (2 trial(s)');
    expect(result.stdout).toMatch(/deflated Sharpe ratio {2}\d\.\d{4}/);
    expect(result.stdout).toMatch(/probability of backtest overfitting \(CSCV\) {2}\d\.\d{4}/);
    expect(result.stdout).toMatch(
      /2023-04-01\.\.2023-06-30\s+rebalance=(weekly|monthly)\s+[-\d.]+\s+[-\d.]+\s+[12]\/2/,
    );
    const sweepId = /queued 4 backtests as (sweep-[0-9a-f-]+)/.exec(result.stderr)?.[1];
    const jsonPath = join(out, `${sweepId}.json`);
    expect(existsSync(jsonPath)).toBe(true);
    expect(JSON.parse(readFileSync(jsonPath, 'utf8')).statistics.walkForward).toHaveLength(1);
    const prisma = createPrismaClient(testServices().databaseUrl);
    try {
      const runs = await prisma.run.findMany({
        where: { correlationId: sweepId },
        include: { backtestResult: true },
      });
      expect(runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
      // Each window is its own backtest: the equity curve is the base point (the close before the window, all
      // cash) and then that window's trading days only.
      for (const run of runs) {
        const config = run.config as { start: string; end: string };
        const curve = run.backtestResult?.equityCurve as { ts: string }[];
        expect((curve[0]?.ts ?? '').slice(0, 10) < config.start).toBe(true);
        expect((curve[1]?.ts ?? '').slice(0, 10) >= config.start).toBe(true);
        expect((curve.at(-1)?.ts ?? '9').slice(0, 10) <= config.end).toBe(true);
      }
    } finally {
      await prisma.$disconnect();
    }

    worker.child.kill('SIGTERM');
    const stopped = await worker.done;
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain('stopping: finishing the job in progress');
  });
});
