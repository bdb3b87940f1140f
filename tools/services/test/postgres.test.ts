import { rmSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { down, probeNats, probePostgres, up } from '../index';
import { isRunning } from '../state';
import { recordedState, scratchServicesDir, unusedUrls } from './helpers';

describe('private Postgres', () => {
  const dir = scratchServicesDir();
  afterAll(async () => {
    await down({ dir });
    rmSync(dir, { recursive: true, force: true });
  });

  it('initdb + starts a cluster when the configured URL does not answer, and down stops it', async () => {
    const env = { ...(await unusedUrls()), ATS_SERVICES_DIR: dir };
    const services = await up({ services: ['postgres'], env, keep: true });
    expect(services.postgres?.source).toBe('started');
    const url = services.postgres!.url;
    expect(url).not.toBe(env.DATABASE__URL);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ user: string; super: string }>(
        "SELECT current_user AS user, current_setting('is_superuser') AS super",
      );
      expect(rows[0]).toEqual({ user: 'postgres', super: 'on' });
      // Test setup creates one database per run: the superuser must be able to.
      await client.query('CREATE DATABASE services_test_db');
      await client.query('DROP DATABASE services_test_db');
    } finally {
      await client.end();
    }

    const pid = recordedState(dir).postgres!.pid;
    const stopped = await down({ dir });
    expect(stopped.postgres?.pid).toBe(pid);
    expect(isRunning(pid, 'postgres')).toBe(false);
    expect((await probePostgres(url)).ok).toBe(false);
  });

  it('starts nothing when the configured servers answer', async () => {
    const providerEnv = { ...(await unusedUrls()), ATS_SERVICES_DIR: dir };
    const provider = await up({ env: providerEnv, keep: true });
    expect(provider.startedAny).toBe(true);

    const otherDir = scratchServicesDir();
    try {
      const services = await up({ env: { ...provider.env, ATS_SERVICES_DIR: otherDir } });
      expect(services.nats).toEqual({ url: provider.nats!.url, source: 'configured' });
      expect(services.postgres).toEqual({ url: provider.postgres!.url, source: 'configured' });
      expect(services.startedAny).toBe(false);
      expect(recordedState(otherDir)).toEqual({});
      await services.release();
      expect((await probeNats(provider.nats!.url)).ok).toBe(true);
      expect((await probePostgres(provider.postgres!.url)).ok).toBe(true);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
      await down({ dir });
    }
  });
});
