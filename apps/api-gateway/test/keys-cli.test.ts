import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundledEntry, testServices } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const appDir = fileURLToPath(new URL('..', import.meta.url));
const keys = (...args: string[]) =>
  run(process.execPath, [...bundledEntry('src/cli/keys.ts'), ...args], {
    cwd: appDir,
    env: { ...process.env, DATABASE__URL: testServices().databaseUrl },
  });
type Failure = { code: number; stderr: string };

describe('api-gateway keys CLI', () => {
  it('answers --help with its usage on stdout and exit 0', async () => {
    const { stdout, stderr } = await keys('--', '--help');
    expect(stdout).toMatch(/^usage: npx nx run api-gateway:keys <command>$/m);
    expect(stderr).toBe('');
  });

  it('refuses an unknown flag, and an unknown command, with one line on stderr and exit 2', async () => {
    const flag = (await keys('list', '--bogus').catch((e: unknown) => e)) as Failure;
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim().split('\n')).toEqual(["keys: Unknown option '--bogus' (--help for usage)"]);
    const command = (await keys('frob').catch((e: unknown) => e)) as Failure;
    expect(command.code).toBe(2);
    expect(command.stderr.trim().split('\n')).toEqual(["keys: unknown command 'frob' (--help for usage)"]);
  });
});
