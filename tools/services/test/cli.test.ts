import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
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
