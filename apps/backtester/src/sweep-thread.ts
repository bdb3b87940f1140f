import { parentPort, workerData } from 'node:worker_threads';
import { runBacktestJob } from '@ats/backtest-jobs';
import { loadConfig } from '@ats/config';
import type { BacktestRequest } from '@ats/contracts';
import type { MarketDataPort } from '@ats/market-data';
import { canonicalMetricsAndEquity } from '@ats/reports';
import { jobDepsFactory, openBars } from './job-deps';
import type { CliOptions } from './options';
import type { SweepCaseResult, SweepThreadRequest } from './sweep-threads';

/**
 * One worker thread of a local sweep: takes a case at a time from the main thread and answers with its metrics and
 * equity curve, as the queue's workers store them. Its own market-data port (bars parsed once per thread) and its
 * own offline reasoner: nothing is shared between threads, so a case's result cannot depend on its neighbours.
 */
const port = parentPort;
if (!port) throw new Error('sweep-thread.ts runs as a worker thread of a local sweep');
const options = workerData as CliOptions;
const config = loadConfig();
const deps = jobDepsFactory(options, config, undefined, undefined);
let bars: Promise<MarketDataPort> | undefined;

async function runCase(request: BacktestRequest): Promise<Omit<SweepCaseResult, 'index'>> {
  bars ??= openBars(config, options);
  try {
    const output = await runBacktestJob(request, { ...(await deps(request)), bars: await bars });
    // The stored form of a result (store.ts backtestResultRow): the canonical JSON report's fields.
    const { metrics, equityCurve } = canonicalMetricsAndEquity(output.report);
    return { status: 'completed', metrics, equityCurve, failure: null };
  } catch (error) {
    return {
      status: 'failed',
      metrics: null,
      equityCurve: null,
      failure: error instanceof Error ? error.message : String(error),
    };
  }
}

port.on('message', (message: SweepThreadRequest | 'close') => {
  if (message === 'close') {
    void bars?.then((b) => b.close()).finally(() => port.close());
    return;
  }
  void runCase(message.request).then((result) => port.postMessage({ index: message.index, ...result }));
});
