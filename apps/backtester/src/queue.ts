import type { BusTopology, StreamSpec } from '@ats/bus';
import { namespacedStream, namespacedSubject, QueueGroups, Streams, Subjects } from '@ats/contracts';

/** Every worker shares one durable consumer: each job goes to one worker at a time. */
export const WORKER_DURABLE = QueueGroups.backtester;
/** Deliveries before a failing job is recorded as failed and dead-lettered. */
export const DEFAULT_MAX_DELIVERIES = 3;
/**
 * Redelivery after a worker vanishes mid-job. A running job tells the server it is still working well inside
 * this window, so long backtests are never handed to a second worker while the first is alive.
 */
export const DEFAULT_ACK_WAIT_MS = 60_000;

/**
 * The backtest work queue (`backtest.job` on BACKTEST_JOBS). A namespace prefixes the subject and suffixes the
 * stream, as the API gateway's channels do, so tests and side-by-side deployments never share jobs.
 */
export interface BacktestQueue {
  readonly subject: string;
  readonly stream: StreamSpec;
  readonly durable: string;
  readonly deadLetterSubject: string;
}

export function backtestQueue(namespace?: string): BacktestQueue {
  const subject = namespacedSubject(namespace, Subjects.backtestJob);
  return {
    subject,
    stream: {
      name: namespacedStream(namespace, Streams.backtestJobs.name),
      subjects: [subject],
      storage: 'file',
    },
    durable: WORKER_DURABLE,
    deadLetterSubject: Subjects.deadLetter(subject),
  };
}

export function queueTopology(
  queue: BacktestQueue,
  options: { readonly ackWaitMs?: number } = {},
): BusTopology {
  return {
    streams: [queue.stream],
    consumers: [
      {
        stream: queue.stream.name,
        durable: queue.durable,
        filterSubject: queue.subject,
        ackWaitMs: options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS,
        // The worker terms at its own limit first; the server's cap is only a safety net.
        maxDeliver: -1,
      },
    ],
  };
}
