/**
 * vitest globalSetup for projects with `needsServices: true` (see vitest.shared.ts): makes NATS (JetStream) and
 * Postgres available, creates a fresh database with every migration applied, and hands NATS__URL,
 * DATABASE__URL and ATS_TEST_RUN_ID to the test workers through the environment they inherit.
 */
import pg from 'pg';
import { up } from '../services/index';
import { newRunId, testDatabaseName } from './run-id';

const ADMIN_TIMEOUT_MS = 10_000;

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

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: ADMIN_TIMEOUT_MS });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export default async function setup(): Promise<() => Promise<void>> {
  const services = await up();
  const runId = newRunId();
  const database = testDatabaseName(runId);
  const serverUrl = services.postgres!.url;
  const databaseUrl = withDatabase(serverUrl, database);
  const dropDatabase = () =>
    onServer(serverUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch((error: unknown) => {
      throw new TestDatabaseError('drop database', database, error);
    });

  try {
    await onServer(serverUrl, `CREATE DATABASE "${database}"`).catch((error: unknown) => {
      throw new TestDatabaseError('create database', database, error);
    });
    // Imported lazily: the migrator loads the wasm schema engine, which only this process needs.
    const { deployMigrations } = await import('@ats/db');
    await deployMigrations({ databaseUrl });
  } catch (error) {
    await dropDatabase().catch(() => {});
    await services.release();
    throw error;
  }

  process.env.NATS__URL = services.nats!.url;
  process.env.DATABASE__URL = databaseUrl;
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
