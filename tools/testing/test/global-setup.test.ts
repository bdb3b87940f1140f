import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../services/state';
import { testDatabaseName, testServices, uniqueName } from '../index';

const migrationsDir = join(repoRoot, 'libs', 'db', 'prisma', 'migrations');
const committedMigrations = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('services global setup, as seen from a test worker', () => {
  it('hands the worker a fresh ats_test_<run id> database with every migration applied', async () => {
    const { databaseUrl, runId } = testServices();
    expect(new URL(databaseUrl).pathname).toBe(`/${testDatabaseName(runId)}`);

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ migration_name: string }>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
      );
      expect(committedMigrations.length).toBeGreaterThan(0);
      expect(rows.map((row) => row.migration_name)).toEqual(committedMigrations);
    } finally {
      await client.end();
    }
  });

  it('hands the worker a NATS server with JetStream', async () => {
    const nc = await connect({ servers: testServices().natsUrl });
    try {
      const jsm = await jetstreamManager(nc);
      const stream = uniqueName('setup_check');
      await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
      expect(await jsm.streams.delete(stream)).toBe(true);
    } finally {
      await nc.close();
    }
  });
});
