/**
 * Prisma's codes for "Postgres is not there right now": unreachable (P1001), timed out (P1002, P1008), connection
 * closed (P1017), no pooled connection in time (P2024), too many connections (P2037).
 */
const OUTAGE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
/** The same outages where Prisma reports them only in the message (raw queries, a restarting server). */
const OUTAGE_MESSAGES = [
  /can't reach database server/i,
  /connection terminated/i,
  /terminating connection due to administrator command/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /ECONNREFUSED|ECONNRESET/,
];

/** How soon a client may retry during a database outage (a Postgres restart takes about a second). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Whether `error` is Postgres being unreachable (an outage to answer 503 for), not a fault of the request. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error) || !error.name.startsWith('PrismaClient')) return false;
  if (error.name === 'PrismaClientInitializationError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && OUTAGE_CODES.has(code)) return true;
  return OUTAGE_MESSAGES.some((pattern) => pattern.test(error.message));
}
