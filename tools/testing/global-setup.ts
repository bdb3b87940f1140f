/**
 * vitest globalSetup for projects with `needsServices: true` (see vitest.shared.ts): makes NATS (JetStream) and
 * Postgres available, creates a fresh database with every migration applied, and hands NATS__URL,
 * DATABASE__URL and ATS_TEST_RUN_ID to the test workers through the environment they inherit.
 */
import { up } from '../services/index';
import { newRunId, testDatabaseName } from './run-id';
import { createMigratedDatabase, type ThrowawayDatabase } from './throwaway-database';

export class TestDatabaseError extends Error {
  constructor(
    readonly operation: string,
    readonly database: string,
    cause: unknown,
  ) {
    super(`${operation} ${database} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  const services = await up();
  const runId = newRunId();
  const database = testDatabaseName(runId);
  const serverUrl = services.postgres!.url;
  let db: ThrowawayDatabase;
  try {
    db = await createMigratedDatabase(serverUrl, database);
  } catch (error) {
    await services.release();
    throw new TestDatabaseError('create and migrate database', database, error);
  }
  const dropDatabase = () =>
    db.drop().catch((error: unknown) => {
      throw new TestDatabaseError('drop database', database, error);
    });

  process.env.NATS__URL = services.nats!.url;
  process.env.DATABASE__URL = db.url;
  process.env.ATS_TEST_RUN_ID = runId;
  if (services.startedAny) {
    process.stderr.write(`[testing] private servers started: ${services.nats!.url} ${serverUrl}\n`);
  }

  return async () => {
    try {
      await dropDatabase();
    } finally {
      await services.release();
    }
  };
}
