import type { AppConfig } from '@ats/config';
import { runService } from '@ats/service';
import { SERVICE } from './defaults';
import { jobDepsFactory, openBars } from './job-deps';
import type { CliOptions } from './options';
import { backtestQueue } from './queue';
import { requirePostgres } from './store';
import { startBacktestWorker } from './worker';

/**
 * `--worker`: a worker on the backtest work queue, with /metrics and /health, until SIGINT/SIGTERM (runService
 * drains it and ends the process). Logs go to stderr like the CLI's other modes; /metrics carries the queue's
 * backlog, what a fleet of workers scales on.
 */
export async function runWorker(options: CliOptions, config: AppConfig): Promise<number> {
  const queue = backtestQueue(options.namespace);
  await runService({
    service: SERVICE,
    config,
    logTo: 'stderr',
    // The jobs waiting on the shared durable: the backlog every worker of the fleet drains.
    durableConsumers: [{ stream: queue.stream.name, durable: queue.durable }],
    async start({ logger, bus, metrics }) {
      // Checked before taking jobs: a worker without Postgres could not record a single run.
      const prisma = await requirePostgres(config);
      const marketData = await openBars(config, options, bus);
      const worker = await startBacktestWorker({
        bus,
        prisma,
        bars: marketData,
        queue,
        logger,
        metrics,
        jobDeps: jobDepsFactory(options, config, prisma, options.bus === 'nats' ? bus : undefined, metrics),
      });
      return {
        async stop() {
          logger.info(worker.stats(), 'stopping: finishing the job in progress');
          await worker.stop();
        },
        closers: [marketData, { close: () => prisma.$disconnect() }],
        health: () => ({ workerId: worker.workerId, ...worker.stats() }),
      };
    },
  });
  // Never settles: the process runs until a signal, and runService exits it once drained.
  return new Promise<number>(() => undefined);
}
