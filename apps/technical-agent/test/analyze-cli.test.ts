import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bundledEntry } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cwd = fileURLToPath(new URL('..', import.meta.url));
const cli = (...args: string[]) =>
  run(process.execPath, [...bundledEntry('src/analyze.ts'), ...args], { cwd, env: { ...process.env } });

describe('analyze CLI', () => {
  it('prints the decision as JSON, and refuses an unknown agent with exit code 2', async () => {
    const { stdout } = await cli('--symbol=nvda', '--agent=technical', '--date=2023-03-31', '--json');
    const analysis = JSON.parse(stdout) as {
      symbol: string;
      lastBarDate: string;
      decision: { agent: string };
    };
    expect(analysis).toMatchObject({
      symbol: 'NVDA',
      lastBarDate: '2023-03-31',
      decision: { agent: 'technical' },
    });
    await expect(cli('--symbol=NVDA', '--agent=macro')).rejects.toMatchObject({ code: 2 });
  });

  it('answers --help with its usage on stdout and exit 0', async () => {
    const { stdout, stderr } = await cli('--', '--help');
    expect(stdout).toMatch(/^usage: analyze --symbol=/);
    expect(stderr).toBe('');
  });

  it('refuses an unknown flag with one line on stderr and exit 2, no stack', async () => {
    const failure = (await cli('--bogus').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(failure.code).toBe(2);
    expect(failure.stderr.trim().split('\n')).toEqual([
      "analyze: Unknown option '--bogus' (--help for usage)",
    ]);
  });
});
