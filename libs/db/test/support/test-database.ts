import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { withDatabase } from '../../src/migrations/pg-workarounds';

/** Server the tests create their databases on (needs CREATEDB). */
export const ADMIN_DATABASE_URL =
  process.env.DATABASE__URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export async function adminQuery<R extends pg.QueryResultRow>(
  sql: string,
  values: unknown[] = [],
  databaseUrl = ADMIN_DATABASE_URL,
): Promise<R[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database with a unique name; drop() removes it even if connections are still open. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `ats_db_test_${label}_${randomUUID().slice(0, 8)}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  return {
    name,
    url: withDatabase(ADMIN_DATABASE_URL, name),
    drop: async () => {
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

export async function databaseExists(name: string): Promise<boolean> {
  const rows = await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length === 1;
}
