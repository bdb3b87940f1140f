import { randomBytes } from 'node:crypto';

/** Short random + pid: unique across concurrent runs on one machine, short enough for NATS and Postgres names. */
export function newRunId(): string {
  return `${randomBytes(3).toString('hex')}_${process.pid}`;
}

/** The per-run Postgres database; lower case so it needs no quoting. */
export const testDatabaseName = (runId: string): string => `ats_test_${runId}`;
