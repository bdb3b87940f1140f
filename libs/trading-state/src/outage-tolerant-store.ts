import type { TradingStore } from './trading-store';

/**
 * How long a store call keeps trying through a lost database connection (a Postgres restart takes ~1 s; a
 * failover tens of seconds), and the pauses between attempts (the last repeats).
 */
export const DEFAULT_OUTAGE_BUDGET_MS = 60_000;
export const OUTAGE_BACKOFF_MS = [100, 250, 500, 1_000, 2_000] as const;

/** Postgres stayed unreachable for the whole budget: the last driver error is the cause. */
export class DatabaseUnavailableError extends Error {
  constructor(
    readonly operation: string,
    readonly waitedMs: number,
    override readonly cause: unknown,
  ) {
    super(`${operation}: Postgres unreachable for ${Math.round(waitedMs)} ms (${connectionText(cause)})`);
    this.name = 'DatabaseUnavailableError';
  }
}

export interface OutageTolerance {
  /** Total time one call may spend waiting for the database (default DEFAULT_OUTAGE_BUDGET_MS). */
  readonly budgetMs?: number;
  /** Told once per call that starts waiting, and when it gets through. */
  readonly onOutage?: (event: { operation: string; attempt: number; error: string }) => void;
  readonly onRecovered?: (event: { operation: string; waitedMs: number }) => void;
}

/** Prisma/pg connection-level failures: the query never ran or its session died, so the call can be repeated. */
const CONNECTION_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const DRIVER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
const CONNECTION_MESSAGES =
  /Connection terminated|Connection ended|Client has encountered a connection error|terminating connection|the database system is (starting up|shutting down|in recovery mode)|Can't reach database server|Server has closed the connection/i;

/**
 * True when `error` says the connection to Postgres was lost or refused (SQLSTATE class 08, 57P01-57P03, the
 * socket errors, Prisma's P1001/P1017/P2024), looking through `cause` and the driver adapter's details.
 */
export function isConnectionLoss(error: unknown, depth = 0): boolean {
  if (depth > 4 || error === null || typeof error !== 'object') return false;
  const e = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
    kind?: unknown;
    originalCode?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && (CONNECTION_CODES.has(code) || SOCKET_CODES.has(code) || isConnectionSqlState(code)))
    return true;
  if (typeof e.kind === 'string' && DRIVER_KINDS.has(e.kind)) return true;
  if (typeof e.originalCode === 'string' && isConnectionSqlState(e.originalCode)) return true;
  const driver = e.meta?.driverAdapterError?.cause;
  if (driver && isConnectionLoss(driver, depth + 1)) return true;
  if (typeof e.message === 'string' && CONNECTION_MESSAGES.test(e.message)) return true;
  return isConnectionLoss(e.cause, depth + 1);
}

/** SQLSTATE 08xxx (connection exception) and 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now). */
function isConnectionSqlState(code: string): boolean {
  return /^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code);
}

function connectionText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Prisma's message starts with the invocation and a source excerpt; its last line is what happened.
  return message.trim().split('\n').at(-1)?.trim() ?? message;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A TradingStore that rides through a lost database connection: a call that fails on the connection is repeated
 * with backoff for up to `budgetMs`, then fails with DatabaseUnavailableError (no raw driver error). Safe because
 * every TradingStore write is idempotent (order and fill ids, one snapshot per cycle, decisions replaced).
 */
export function outageTolerantStore(store: TradingStore, tolerance: OutageTolerance = {}): TradingStore {
  const budgetMs = tolerance.budgetMs ?? DEFAULT_OUTAGE_BUDGET_MS;
  const call = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await run();
        if (attempt > 1) tolerance.onRecovered?.({ operation, waitedMs: performance.now() - started });
        return result;
      } catch (error) {
        if (!isConnectionLoss(error)) throw error;
        const waited = performance.now() - started;
        const delay = OUTAGE_BACKOFF_MS[Math.min(attempt, OUTAGE_BACKOFF_MS.length) - 1] as number;
        if (waited + delay > budgetMs) throw new DatabaseUnavailableError(operation, waited, error);
        if (attempt === 1) tolerance.onOutage?.({ operation, attempt, error: connectionText(error) });
        await pause(delay);
      }
    }
  };
  return {
    openRun: (spec) => call('openRun', () => store.openRun(spec)),
    loadState: (runId) => call('loadState', () => store.loadState(runId)),
    recordOrder: (order) => call('recordOrder', () => store.recordOrder(order)),
    recordFill: (fill) => call('recordFill', () => store.recordFill(fill)),
    closeOrder: (id, status, reason) => call('closeOrder', () => store.closeOrder(id, status, reason)),
    saveDecisions: (runId, correlationId, decisions) =>
      call('saveDecisions', () => store.saveDecisions(runId, correlationId, decisions)),
    saveSnapshot: (snapshot) => call('saveSnapshot', () => store.saveSnapshot(snapshot)),
    snapshots: (runId) => call('snapshots', () => store.snapshots(runId)),
    orders: (runId) => call('orders', () => store.orders(runId)),
    fills: (runId) => call('fills', () => store.fills(runId)),
    finishRun: (runId, status, at) => call('finishRun', () => store.finishRun(runId, status, at)),
  };
}
