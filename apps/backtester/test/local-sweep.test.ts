import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const LAUNCHER = fileURLToPath(new URL('../../../tools/build/run-bundled.mjs', import.meta.url));
const ENTRIES = ['../src/main.ts', '../src/sweep-thread.ts']
  .map((p) => fileURLToPath(new URL(p, import.meta.url)))
  .join(',');

/** Four cases, three symbols, one quarter: small enough for a loaded machine, enough to split across threads. */
const SWEEP = [
  '--symbols=AAPL,MSFT,XOM',
  '--start=2023-01-01',
  '--end=2023-03-31',
  '--no-attribution',
  '--sweep=weights.technical=0.4,0.8',
  '--sweep=rebalance=daily,weekly',
  '--json',
];
const LONG = 300_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Concurrent children (not spawnSync): the runs of one test overlap instead of queueing. */
function run(command: readonly string[], out: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...command, `--out=${out}`, '--no-progress'], {
      env: {
        ...process.env,
        // A local sweep needs no servers: point them at nothing.
        DATABASE__URL: 'postgresql://nobody@127.0.0.1:1/none',
        NATS__URL: 'nats://127.0.0.1:1',
        BUNDLE_LOG: 'off',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('local sweep on worker threads (--sweep … --workers=N)', { timeout: LONG }, () => {
  it('gives the same bytes with 1 thread from the bundle and 3 threads from source', async () => {
    const outs = [1, 2].map(() => mkdtempSync(join(tmpdir(), 'ats-local-sweep-')));
    // Two ways a thread loads its module (the bundle's sweep-thread.mjs, tsx's loader) and two thread counts.
    const [one, three] = await Promise.all([
      run([LAUNCHER, ENTRIES, ...SWEEP, '--workers=1'], outs[0] as string),
      run(['--import', 'tsx', MAIN, ...SWEEP, '--workers=3'], outs[1] as string),
    ]);
    for (const r of [one, three]) expect(r.code, r.stderr).toBe(0);
    expect(one.stderr).toMatch(/swept 4 cases on 1 worker thread\(s\) in [\d.]+ s/);
    expect(three.stderr).toMatch(/swept 4 cases on 3 worker thread\(s\)/);

    const summary = JSON.parse(one.stdout) as {
      sweepId: string;
      cases: { label: string; status: string; metrics: { tradeCount?: number } | null }[];
    };
    expect(summary.cases.map((c) => c.label)).toEqual([
      'weights.technical=0.4 rebalance=daily',
      'weights.technical=0.4 rebalance=weekly',
      'weights.technical=0.8 rebalance=daily',
      'weights.technical=0.8 rebalance=weekly',
    ]);
    expect(summary.cases.every((c) => c.status === 'completed' && c.metrics !== null)).toBe(true);
    // The cases differ from each other: a sweep whose cases all ran the base request would look the same.
    expect(new Set(summary.cases.map((c) => JSON.stringify(c.metrics))).size).toBe(4);

    expect(three.stdout).toBe(one.stdout);
    const file = (out: string) => readFileSync(join(out, `${summary.sweepId}.json`), 'utf8');
    expect(file(outs[1] as string)).toBe(file(outs[0] as string));
  });

  it('refuses --workers without a sweep, and with an LLM reasoner', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ats-local-sweep-'));
    const [alone, llm] = await Promise.all([
      run([LAUNCHER, ENTRIES, '--workers=2'], out),
      run([LAUNCHER, ENTRIES, '--sweep=rebalance=daily,weekly', '--workers=2', '--llm=openai'], out),
    ]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('workers: runs the cases of a --sweep or --walk-forward');
    expect(llm.code).toBe(2);
    expect(llm.stderr).toContain('local sweeps use the offline reasoner');
  });
});
