import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import setup from '../global-setup';

async function databaseExists(serverUrl: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('global setup teardown', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('drops its database even while a connection is still open', async () => {
    const serverUrl = new URL(process.env.DATABASE__URL!);
    serverUrl.pathname = '/postgres';

    const teardown = await setup();
    const databaseUrl = process.env.DATABASE__URL!;
    const database = new URL(databaseUrl).pathname.slice(1);
    expect(database).not.toBe(new URL(saved.DATABASE__URL!).pathname.slice(1));
    expect(await databaseExists(serverUrl.toString(), database)).toBe(true);

    // A test that forgot to disconnect must not make the drop fail (DROP ... WITH (FORCE)).
    const leftOpen = new pg.Client({ connectionString: databaseUrl });
    leftOpen.on('error', () => {});
    await leftOpen.connect();
    await teardown();
    expect(await databaseExists(serverUrl.toString(), database)).toBe(false);
    await leftOpen.end().catch(() => {});
  });
});
