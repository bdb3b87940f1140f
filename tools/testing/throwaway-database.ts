/**
 * A throw-away database: created on a Postgres server, migrated, dropped afterwards. The tests' global setup makes
 * each run's database with it, and the API benches theirs.
 */
import pg from 'pg';

const ADMIN_TIMEOUT_MS = 10_000;

export interface ThrowawayDatabase {
  readonly name: string;
  /** The server URL with this database's name as its path. */
  readonly url: string;
  /** DROP DATABASE … WITH (FORCE): also ends connections a crashed child left open. */
  drop(): Promise<void>;
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

/** Creates `name` on the server at `serverUrl` with every migration applied; a failed migration drops it again. */
export async function createMigratedDatabase(serverUrl: string, name: string): Promise<ThrowawayDatabase> {
  const url = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const drop = () => onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  try {
    // Imported lazily: the migrator loads the wasm schema engine, which only this step needs.
    const { deployMigrations } = await import('@ats/db');
    await deployMigrations({ databaseUrl: url });
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
  return { name, url, drop };
}
