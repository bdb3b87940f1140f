import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceRoleName } from '@ats/db';
import { testServices, within } from '@ats/tool-testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningStack, startStack } from '../runner';
import {
  type ExitReason,
  type RestartPolicy,
  restartDelay,
  type SupervisedProcess,
  supervise,
} from '../supervisor';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SERVICE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'long-running-service.ts');
/** Short delays so the test spends its time on processes, not on waiting; the budget is what matters. */
const FAST: RestartPolicy = { initialDelayMs: 50, maxDelayMs: 400, maxRestarts: 3, windowMs: 60_000 };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + within(timeoutMs);
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${within(timeoutMs)} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const node = (script: string) => () => spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
const SLEEPER = 'setInterval(() => {}, 60000)';

function supervised(start: () => ChildProcess, policy: RestartPolicy) {
  const events: string[] = [];
  const exits: ExitReason[] = [];
  const process: SupervisedProcess = supervise(start, policy, {
    onRestartScheduled: (attempt, delayMs, exit) => {
      events.push(`restart ${attempt} in ${delayMs}`);
      exits.push(exit);
    },
    onGaveUp: (restarts) => events.push(`gave up after ${restarts}`),
    onCleanExit: () => events.push('clean exit'),
  });
  cleanups.push(() => {
    process.release();
    process.child.kill('SIGKILL');
  });
  return { process, events, exits };
}

describe('restart delays', () => {
  it('double from the initial delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => restartDelay({ ...FAST, maxDelayMs: 1_000 }, n))).toEqual([
      50, 100, 200, 400, 800, 1_000,
    ]);
  });
});

describe('a supervised process', () => {
  it('is started again after a SIGKILL, with a longer delay each time', async () => {
    const { process, events, exits } = supervised(node(SLEEPER), FAST);
    const first = process.child.pid;
    process.child.kill('SIGKILL');
    await until('a restart', () => process.restarts === 1);
    const second = process.child.pid;
    expect(second).not.toBe(first);
    expect(process.child.exitCode).toBeNull();
    process.child.kill('SIGKILL');
    await until('a second restart', () => process.restarts === 2);
    expect(events).toEqual(['restart 1 in 50', 'restart 2 in 100']);
    expect(exits).toEqual([
      { code: null, signal: 'SIGKILL' },
      { code: null, signal: 'SIGKILL' },
    ]);
  });

  it('stays down once a crash exceeds the restart budget', async () => {
    const { process, events } = supervised(node('process.exit(3)'), FAST);
    await until('the budget spent', () => events.includes('gave up after 3'));
    expect(events).toEqual(['restart 1 in 50', 'restart 2 in 100', 'restart 3 in 200', 'gave up after 3']);
    expect(process.restarts).toBe(3);
    expect(process.child.exitCode).toBe(3);
  });

  it('is not restarted after a clean exit, nor once released', async () => {
    const clean = supervised(node('process.exit(0)'), FAST);
    await until('the clean exit', () => clean.events.includes('clean exit'));
    expect(clean.process.restarts).toBe(0);

    const released = supervised(node(SLEEPER), FAST);
    released.process.release();
    const exited = new Promise((done) => released.process.child.once('exit', done));
    released.process.child.kill('SIGKILL');
    await exited;
    await new Promise((r) => setTimeout(r, FAST.maxDelayMs));
    expect(released.events).toEqual([]);
    expect(released.process.restarts).toBe(0);
  });
});

describe('the stack', () => {
  let stack: RunningStack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('restarts a service killed with SIGKILL, says so, and connects it as its own Postgres role', async () => {
    const lines: string[] = [];
    stack = await startStack({
      repoRoot: REPO_ROOT,
      processes: [{ app: 'technical-agent', name: 'technical-agent', entry: SERVICE }],
      databaseUrl: testServices().databaseUrl,
      restart: FAST,
      onLine: (name, line) => lines.push(`${name} | ${line}`),
      onRestart: (name, attempt, delayMs, exit) =>
        lines.push(`${name} | crashed (${exit.signal}): restart ${attempt} in ${delayMs} ms`),
    });
    const [service] = stack.processes;
    const ups = () => lines.filter((l) => l.startsWith('technical-agent | up '));
    await until('the service up', () => ups().length === 1, 120_000);
    expect(ups()[0]).toContain(`postgresql://${serviceRoleName('technical-agent')}@`);
    const killed = service!.child.pid;
    service!.child.kill('SIGKILL');
    await until('the service up again', () => ups().length === 2, 120_000);
    expect(lines).toContain('technical-agent | crashed (SIGKILL): restart 1 in 50 ms');
    expect(service!.restarts).toBe(1);
    expect(service!.child.pid).not.toBe(killed);
    expect(ups()[1]).toContain(`up ${service!.child.pid} `);

    await stack.stop();
    expect(service!.child.exitCode).toBe(0);
    expect(service!.restarts).toBe(1);
    stack = undefined;
  });
});
