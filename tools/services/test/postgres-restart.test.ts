import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { down, probePostgres, up } from '../index';
import { isRunning } from '../state';
import { recordedState, scratchServicesDir, unusedUrls } from './helpers';

const postmasterPid = (dataDir: string) =>
  Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

describe('private Postgres after a pg_ctl restart', () => {
  const dir = scratchServicesDir();
  afterAll(async () => {
    await down({ dir });
    rmSync(dir, { recursive: true, force: true });
  });

  it('is reused while it answers and stopped by `down`, although its postmaster has a new pid', async () => {
    const env = { ...(await unusedUrls()), ATS_SERVICES_DIR: dir };
    const started = await up({ services: ['postgres'], env, keep: true });
    const recorded = recordedState(dir).postgres!;
    const url = started.postgres!.url;

    // What an operator (or a chaos test) does: restart in place; pg_ctl reuses the options of the last start.
    const restart = ['-D', recorded.dataDir, '-m', 'fast', '-w', 'restart'];
    const pgCtl = join(recorded.binDir, 'pg_ctl');
    const [file, args] = recorded.osUser
      ? ['runuser', ['-u', recorded.osUser, '--', pgCtl, ...restart]]
      : [pgCtl, restart];
    execFileSync(file, args, { stdio: 'ignore', cwd: '/' });
    const restartedPid = postmasterPid(recorded.dataDir);
    expect(restartedPid).not.toBe(recorded.pid);
    expect(isRunning(recorded.pid, 'postgres')).toBe(false);
    expect((await probePostgres(url)).ok).toBe(true);

    const again = await up({ services: ['postgres'], env: { ...env, DATABASE__URL: env.DATABASE__URL } });
    expect(again.postgres).toEqual({ url, source: 'reused' });
    await again.release();

    await down({ dir });
    expect(isRunning(restartedPid, 'postgres')).toBe(false);
    expect((await probePostgres(url)).ok).toBe(false);
  });
});
