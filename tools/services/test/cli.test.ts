import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { migrationStatus } from '@ats/db';
import { afterAll, describe, expect, it } from 'vitest';
import { down, probeNats, probePostgres } from '../index';
import { repoRoot } from '../state';
import { recordedState, scratchServicesDir, unusedUrls } from './helpers';

const cli = join(repoRoot, 'tools', 'services', 'cli.ts');
const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');

describe('services run', () => {
  const dir = scratchServicesDir();
  afterAll(async () => {
    await down({ dir });
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the command private server URLs, exits with its code and stops what it started', async () => {
    const env = { ...process.env, ...(await unusedUrls()), ATS_SERVICES_DIR: dir };
    const script =
      'console.log(JSON.stringify({n:process.env.NATS__URL,d:process.env.DATABASE__URL}));process.exit(7)';
    const result = spawnSync(tsx, [cli, 'run', '--', process.execPath, '-e', script], {
      env,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(7);
    const seen = JSON.parse(result.stdout.trim()) as { n: string; d: string };
    expect(seen.n).not.toBe(env.NATS__URL);
    expect(seen.d).not.toBe(env.DATABASE__URL);
    expect(result.stderr).toContain('(started)');

    expect((await probeNats(seen.n)).ok).toBe(false);
    expect((await probePostgres(seen.d)).ok).toBe(false);
    expect(recordedState(dir).nats).toBeUndefined();
    expect(recordedState(dir).postgres).toBeUndefined();
  });

  it('on SIGTERM stops the command and the servers it started', async () => {
    const env = { ...process.env, ...(await unusedUrls()), ATS_SERVICES_DIR: dir };
    const script = 'console.log(process.env.NATS__URL);setInterval(()=>{},1000)';
    const child = spawn(tsx, [cli, 'run', '--', process.execPath, '-e', script], { env, stdio: 'pipe' });
    const [firstLine] = (await once(child.stdout, 'data')) as [Buffer];
    const natsUrl = firstLine.toString().trim();
    expect((await probeNats(natsUrl)).ok).toBe(true);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(143);
    expect((await probeNats(natsUrl)).ok).toBe(false);
    expect(recordedState(dir).nats).toBeUndefined();
  });
});

describe('services command line', () => {
  it('answers --help with its usage on stdout and exit 0', () => {
    const result = spawnSync(tsx, [cli, '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: services <command>/);
  });

  it('refuses an unknown flag with one line on stderr and exit 2', () => {
    const result = spawnSync(tsx, [cli, '--bogus'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      "services: unknown option '--bogus' (--help for usage)",
    ]);
  });
});

describe('services up', () => {
  const dir = scratchServicesDir();
  afterAll(async () => {
    await down({ dir });
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives a freshly started Postgres the schema (no db:migrate needed), and says so', async () => {
    const env = { ...process.env, ...(await unusedUrls()), ATS_SERVICES_DIR: dir };
    const result = spawnSync(tsx, [cli, 'up'], { env, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/\[services\] postgres: applied \d+ migration\(s\)/);
    const databaseUrl = /^DATABASE__URL=(.+)$/m.exec(result.stdout)?.[1] ?? '';
    expect((await migrationStatus({ databaseUrl })).upToDate).toBe(true);

    const again = spawnSync(tsx, [cli, 'up'], { env, encoding: 'utf8' });
    expect(again.stderr).toContain('[services] postgres: schema up to date');
  });
});
