import { randomUUID } from 'node:crypto';
import { BacktestDataError, type BacktestJobDeps, type BarSource, runBacktestJob } from '@ats/backtest-jobs';
import type { NatsBus } from '@ats/bus';
import {
  ApiMessages,
  type BacktestJob,
  type BacktestRequest,
  type Clock,
  ContractValidationError,
  Headers,
  safeParseContract,
  systemClock,
} from '@ats/contracts';
import { Prisma, type PrismaClient } from '@ats/db';
import { LlmConfigError } from '@ats/llm';
import { DataQualityError } from '@ats/market-data';
import type { TradingMetrics } from '@ats/metrics';
import type { Logger } from '@ats/observability';
import { type JsMsg, jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { type BacktestQueue, DEFAULT_ACK_WAIT_MS, DEFAULT_MAX_DELIVERIES, queueTopology } from './queue';
import { RemoteAgentsConfigError } from './remote-agents';
import { backtestResultRow } from './store';

/** Per-job dependencies besides the bars: the reasoner for the job's llmProvider, remote agents... */
export type JobDepsFactory = (
  request: BacktestRequest,
) => Promise<Omit<BacktestJobDeps, 'bars' | 'onProgress'>>;

export interface BacktestWorkerOptions {
  readonly bus: NatsBus;
  readonly prisma: PrismaClient;
  readonly bars: BarSource;
  readonly queue: BacktestQueue;
  readonly logger: Logger;
  readonly jobDeps?: JobDepsFactory;
  readonly maxDeliveries?: number;
  readonly ackWaitMs?: number;
  /** Redelivery delay after the n-th failure (index n-1); the last entry repeats. */
  readonly backoffMs?: readonly number[];
  readonly clock?: Clock;
  readonly workerId?: string;
  /** Failed jobs are counted here (`ats_errors_total{component="job"}`) when given. */
  readonly metrics?: TradingMetrics;
}

export interface WorkerStats {
  completed: number;
  failed: number;
  /** Deliveries handed back for another try. */
  retried: number;
  /** Deliveries of a job whose result was already stored (acked, not rerun). */
  duplicates: number;
  deadLettered: number;
}

export interface RunningWorker {
  readonly workerId: string;
  stats(): WorkerStats;
  /** Stops taking jobs, lets the job in progress finish (and be acked), then returns. */
  stop(): Promise<void>;
}

const DEFAULT_BACKOFF_MS = [1_000, 5_000, 30_000];
/** How long one pull waits for a job; also the longest stop() waits when idle. */
const PULL_EXPIRES_MS = 1_000;
const UNIQUE_VIOLATION = 'P2002';

/** A job that can never succeed: retrying only delays its failure. */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof BacktestDataError ||
    error instanceof DataQualityError ||
    error instanceof ContractValidationError ||
    error instanceof RemoteAgentsConfigError ||
    error instanceof LlmConfigError
  );
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A backtest worker on the JetStream work queue. It pulls one job at a time (so idle workers get the next job,
 * instead of one worker buffering a batch), tells the server it is still working while a long backtest runs,
 * records the Run as running → completed with its BacktestResult (or failed), and acks. A failing job is retried
 * with backoff, then recorded as failed and dead-lettered on `dlq.<subject>` after `maxDeliveries`. A job whose
 * result is already stored (redelivered after a crash between commit and ack) is acked without running again.
 */
export async function startBacktestWorker(options: BacktestWorkerOptions): Promise<RunningWorker> {
  const clock = options.clock ?? systemClock;
  const maxDeliveries = options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
  const ackWaitMs = options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
  const backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const workerId = options.workerId ?? `backtester-${randomUUID().slice(0, 8)}`;
  const log = options.logger.child({ workerId });
  const stats: WorkerStats = { completed: 0, failed: 0, retried: 0, duplicates: 0, deadLettered: 0 };
  await options.bus.ensureTopology(queueTopology(options.queue, { ackWaitMs }));
  const consumer = await jetstream(options.bus.connection).consumers.get(
    options.queue.stream.name,
    options.queue.durable,
  );

  const deadLetter = async (msg: JsMsg, reason: string): Promise<void> => {
    const h = natsHeaders();
    for (const [key, values] of msg.headers ?? []) {
      if (key !== Headers.messageId) for (const value of values) h.append(key, value);
    }
    // Header values are single-line in NATS.
    h.set(Headers.deadLetterReason, reason.replace(/[\r\n]+/g, ' ').slice(0, 2000));
    h.set(Headers.deadLetterSubject, msg.subject);
    h.set(Headers.deadLetterDeliveries, String(msg.info.deliveryCount));
    options.bus.connection.publish(`dlq.${msg.subject}`, msg.data, { headers: h });
    await options.bus.connection.flush();
    stats.deadLettered += 1;
    log.warn({ subject: msg.subject, seq: msg.seq, reason }, 'backtest job dead-lettered');
  };

  const recordFailure = async (job: BacktestJob, error: unknown, deliveries: number) => {
    const failure = { message: errorText(error), deliveries, workerId, at: clock.now().toISOString() };
    await options.prisma.run.updateMany({
      where: { id: job.runId, backtestResult: { is: null } },
      data: {
        status: 'failed',
        finishedAt: clock.now(),
        config: { ...(job.request as object), failure } as Prisma.InputJsonValue,
      },
    });
    stats.failed += 1;
    options.metrics?.errors.inc({ component: 'job', kind: error instanceof Error ? error.name : 'Error' });
  };

  /** Runs the job and stores its result; false when another delivery had stored it already. */
  const runJob = async (job: BacktestJob): Promise<boolean> => {
    const existing = await options.prisma.run.findUnique({
      where: { id: job.runId },
      select: { status: true, backtestResult: { select: { id: true } } },
    });
    if (existing?.backtestResult || existing?.status === 'cancelled') return false;
    const startedAt = clock.now();
    const config = JSON.parse(JSON.stringify(job.request)) as Prisma.InputJsonValue;
    await options.prisma.run.upsert({
      where: { id: job.runId },
      // Jobs published without a Run row (e.g. straight onto the bus) still get one, under the job's id.
      create: { id: job.runId, kind: 'backtest', status: 'running', config, startedAt },
      update: { status: 'running', startedAt, finishedAt: null },
    });
    const deps = (await options.jobDeps?.(job.request)) ?? {};
    const output = await runBacktestJob(job.request, { ...deps, bars: options.bars });
    if (output.degradedDecisions.length > 0) {
      log.warn(
        { runId: job.runId, degraded: output.degradedDecisions.length, first: output.degradedDecisions[0] },
        'backtest ran with degraded agents',
      );
    }
    try {
      await options.prisma.$transaction([
        options.prisma.backtestResult.create({ data: { runId: job.runId, ...backtestResultRow(output) } }),
        options.prisma.run.update({
          where: { id: job.runId },
          data: { status: 'completed', finishedAt: clock.now() },
        }),
      ]);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === UNIQUE_VIOLATION)
        return false;
      throw error;
    }
    return true;
  };

  const handle = async (msg: JsMsg): Promise<void> => {
    const deliveries = msg.info.deliveryCount;
    const decoded = decodeJob(msg);
    if (!decoded.ok) {
      // Redelivering cannot fix a payload.
      await deadLetter(msg, decoded.reason);
      msg.term();
      return;
    }
    const job = decoded.job;
    const jobLog = log.child({ runId: job.runId, deliveries });
    // In-progress acks keep the server from handing a long job to a second worker.
    const keepAlive = setInterval(() => msg.working(), Math.max(100, Math.floor(ackWaitMs / 3)));
    try {
      jobLog.info(
        { symbols: job.request.symbols, start: job.request.start, end: job.request.end },
        'job started',
      );
      const stored = await runJob(job);
      if (stored) {
        stats.completed += 1;
        jobLog.info('job completed');
      } else {
        stats.duplicates += 1;
        jobLog.info('job already done by an earlier delivery; acked without rerunning');
      }
      msg.ack();
    } catch (error) {
      if (isPermanent(error) || deliveries >= maxDeliveries) {
        jobLog.error({ err: error }, 'job failed');
        await recordFailure(job, error, deliveries);
        await deadLetter(
          msg,
          isPermanent(error)
            ? `handler_error: ${errorText(error)}`
            : `max_deliveries: failed ${deliveries} deliveries, last error: ${errorText(error)}`,
        );
        msg.term();
        return;
      }
      const delayMs = backoffMs[Math.min(deliveries, backoffMs.length) - 1] ?? 0;
      jobLog.warn({ err: error, delayMs }, 'job failed; it will be retried');
      stats.retried += 1;
      msg.nak(delayMs);
    } finally {
      clearInterval(keepAlive);
    }
  };

  let stopping = false;
  const loop = (async () => {
    while (!stopping) {
      let msg: JsMsg | null;
      try {
        msg = await consumer.next({ expires: PULL_EXPIRES_MS });
      } catch (error) {
        if (stopping || options.bus.connection.isClosed()) return;
        log.error({ err: error }, 'pull from the backtest queue failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, PULL_EXPIRES_MS));
        continue;
      }
      if (msg) await handle(msg);
    }
  })();
  log.info({ stream: options.queue.stream.name, durable: options.queue.durable }, 'backtest worker ready');

  return {
    workerId,
    stats: () => ({ ...stats }),
    async stop() {
      stopping = true;
      await loop;
    },
  };
}

type Decoded = { ok: true; job: BacktestJob } | { ok: false; reason: string };

/** Type and version headers first (never guess at a schema), then JSON, then the contract. */
function decodeJob(msg: JsMsg): Decoded {
  const type = ApiMessages.backtestJob;
  const name = msg.headers?.get(Headers.messageType);
  const version = msg.headers?.get(Headers.schemaVersion);
  if (name !== type.name || version !== String(type.version)) {
    return {
      ok: false,
      reason: `wrong_type: expected ${type.name} v${type.version}, got ${name} v${version}`,
    };
  }
  let json: unknown;
  try {
    json = msg.json();
  } catch (error) {
    return { ok: false, reason: `malformed_json: ${errorText(error)}` };
  }
  const parsed = safeParseContract(type.schema, json, type.name);
  return parsed.ok
    ? { ok: true, job: parsed.value as BacktestJob }
    : { ok: false, reason: `schema_violation: ${parsed.error.message}` };
}
