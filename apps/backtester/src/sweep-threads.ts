import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BacktestRequest } from '@ats/contracts';
import type { CliOptions } from './options';
import type { SweepCase } from './sweep';
import type { SweepRunRow } from './sweep-queue';

/** A case handed to a thread. */
export interface SweepThreadRequest {
  readonly index: number;
  readonly request: BacktestRequest;
}

/** A thread's answer: the fields of a stored result that the sweep's table and statistics read. */
export interface SweepCaseResult {
  readonly index: number;
  readonly status: 'completed' | 'failed';
  readonly metrics: Record<string, unknown> | null;
  readonly equityCurve: { ts: string; equity: number }[] | null;
  readonly failure: string | null;
}

export class LocalSweepError extends Error {
  override readonly name = 'LocalSweepError';
}

/**
 * A worker thread running the thread module beside this one: the compiled `sweep-thread.mjs` inside a bundle built
 * by tools/build/run-bundled.mjs; from source (tsx, vitest) `sweep-thread.ts` behind tsx's loader, which a thread
 * must register itself (Node 20 does not pass the parent's module hooks to a thread's entry).
 */
function startThread(options: CliOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./sweep-thread.mjs', import.meta.url), { workerData: options });
  }
  const entry = new URL('./sweep-thread.ts', import.meta.url).href;
  // An eval'd thread resolves 'tsx' from the working directory: any folder of the workspace.
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: options });
}

/** A sweep's id from its cases: the same sweep gives the same id (and report file) with any number of threads. */
export function localSweepId(cases: readonly SweepCase[]): string {
  const hash = createHash('sha256');
  for (const c of cases) hash.update(JSON.stringify(c.request)).update('\n');
  return `sweep-local-${hash.digest('hex').slice(0, 12)}`;
}

/** Default thread count: one per core the process may use. */
export const defaultSweepThreads = () => availableParallelism();

/**
 * Runs the cases on `threads` worker threads, each case once, the next case to whichever thread is free; returns
 * one row per case in the cases' order (as the queue's sweep reads them from Postgres). Each thread runs its cases
 * one after another with nothing shared, so the rows do not depend on the thread count or on which thread ran what.
 */
export async function runSweepInThreads(
  cases: readonly SweepCase[],
  options: CliOptions,
  threads: number,
  onDone?: (done: number) => void,
): Promise<SweepRunRow[]> {
  if (!(Number.isInteger(threads) && threads >= 1))
    throw new LocalSweepError(`threads must be ≥ 1 (got ${threads})`);
  const sweepId = localSweepId(cases);
  const rows: (SweepRunRow | undefined)[] = new Array(cases.length).fill(undefined);
  const exited = new Set<Worker>();
  const pool = Array.from({ length: Math.min(threads, cases.length) }, () => {
    const worker = startThread(options);
    worker.once('exit', () => exited.add(worker));
    return worker;
  });
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (worker: Worker) => {
        if (next >= cases.length) return;
        const index = next++;
        const sweepCase = cases[index] as SweepCase;
        worker.postMessage({ index, request: sweepCase.request } satisfies SweepThreadRequest);
        rows[index] = { ...emptyRow(sweepId, index), startedAt: new Date() };
      };
      for (const worker of pool) {
        worker.on('message', (result: SweepCaseResult) => {
          const started = rows[result.index];
          rows[result.index] = {
            id: rowId(sweepId, result.index),
            status: result.status,
            startedAt: started?.startedAt ?? new Date(),
            finishedAt: new Date(),
            metrics: result.metrics,
            equityCurve: result.equityCurve,
            failure: result.failure,
          };
          done += 1;
          onDone?.(done);
          if (done === cases.length) resolve();
          else feed(worker);
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (done < cases.length)
            reject(new LocalSweepError(`a sweep thread exited with code ${code} mid-sweep`));
        });
        feed(worker);
      }
      if (cases.length === 0) resolve();
    });
  } finally {
    await Promise.all(pool.filter((worker) => !exited.has(worker)).map(closeThread));
  }
  return rows as SweepRunRow[];
}

/** Asks the thread to close its market-data port and end; terminates it if it has not within a second. */
async function closeThread(worker: Worker): Promise<void> {
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.postMessage('close');
  const timer = setTimeout(() => void worker.terminate(), 1_000);
  await exited;
  clearTimeout(timer);
}

const rowId = (sweepId: string, index: number) => `${sweepId}-${String(index + 1).padStart(3, '0')}`;

const emptyRow = (sweepId: string, index: number): SweepRunRow => ({
  id: rowId(sweepId, index),
  status: 'running',
  startedAt: new Date(),
  finishedAt: null,
  metrics: null,
  equityCurve: null,
  failure: null,
});
