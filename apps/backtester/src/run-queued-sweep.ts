import { connectBus } from '@ats/bus';
import type { AppConfig } from '@ats/config';
import { SERVICE } from './defaults';
import type { CliOptions } from './options';
import { resolveOutDir } from './paths';
import { backtestQueue } from './queue';
import { logger } from './service-logger';
import { requirePostgres } from './store';
import type { SweepCase } from './sweep';
import { renderSweepTable, submitSweep, waitForRuns } from './sweep-queue';
import { summariseSweep } from './sweep-statistics';

/** A sweep or walk-forward as jobs on the work queue (Run rows first); waits for the workers' results in Postgres. */
export async function runQueuedSweep(
  options: CliOptions,
  config: AppConfig,
  cases: readonly SweepCase[],
): Promise<number> {
  const prisma = await requirePostgres(config);
  const bus = await connectBus({
    ...config.nats,
    name: SERVICE,
    logger: logger(config),
  });
  try {
    const queue = backtestQueue(options.namespace);
    await bus.ensureTopology({ streams: [queue.stream] });
    const sweep = await submitSweep({ bus, prisma, queue }, cases, `cli:${process.env.USER ?? 'unknown'}`);
    process.stderr.write(`queued ${cases.length} backtests as ${sweep.sweepId}\n`);
    if (!options.wait) {
      process.stdout.write(`${sweep.runIds.join('\n')}\n`);
      return 0;
    }
    const rows = await waitForRuns(prisma, sweep.runIds, {
      timeoutMs: options.waitTimeoutMs,
      onPoll: (done) => process.stderr.isTTY && process.stderr.write(`\r${done}/${cases.length} done`),
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    // Deflated Sharpe, PBO and the walk-forward IS/OOS table; all of it in <out>/<sweep id>.json too.
    const summary = summariseSweep(sweep.sweepId, cases, rows, resolveOutDir(options.outDir));
    process.stdout.write(
      options.json
        ? summary.json
        : `${renderSweepTable(cases, rows)}${summary.text}json:   ${summary.jsonPath}\n`,
    );
    return rows.every((r) => r.status === 'completed') ? 0 : 1;
  } finally {
    await bus.close();
    await prisma.$disconnect();
  }
}
