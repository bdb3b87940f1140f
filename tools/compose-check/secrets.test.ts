import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, type NatsBus } from '@ats/bus';
import { SECRET_KEYS } from '@ats/config';
import { Messages, Subjects } from '@ats/contracts';
import { freePort, natsServerBinary } from '@ats/tool-nats-auth';
import { bundledEntry, testRequestTimeoutMs, testServices, within } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './deployment-files';

/** Deadlines, not expectations: tsx starts the app from source on cores the rest of the run keeps busy. */
const READY_TIMEOUT_MS = within(60_000);
const REQUEST_TIMEOUT_MS = testRequestTimeoutMs();
/** A leaked key is often shortened ("sk-abc…"), so a distinctive stretch of it counts as a leak too. */
const LEAK_FRAGMENT_CHARS = 12;

/** Fake but realistically shaped values for every configured secret. */
const secrets: Record<string, string> = Object.fromEntries(
  SECRET_KEYS.map((key) => [
    key,
    `sk-test-${key.toLowerCase().slice(0, 6)}-${randomBytes(16).toString('hex')}`,
  ]),
);

let natsDir: string;
let nats: ChildProcess;
let natsUrl: string;
let app: ChildProcess;
let output = '';

function waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (pattern.test(output)) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > timeoutMs || app.exitCode !== null) {
        clearInterval(poll);
        reject(new Error(`no ${pattern} in the app output within ${timeoutMs} ms:\n${output.slice(-2000)}`));
      }
    }, 50);
  });
}

beforeAll(async () => {
  // A private NATS keeps this data gateway out of the queue groups of other test runs.
  natsDir = mkdtempSync(join(tmpdir(), 'ats-secrets-'));
  const port = await freePort();
  natsUrl = `nats://127.0.0.1:${port}`;
  nats = spawn(natsServerBinary(), ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', natsDir], {
    stdio: 'ignore',
  });
  app = spawn(process.execPath, [...bundledEntry('apps/data-gateway/src/main.ts')], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ENVIRONMENT: 'production',
      LOG_LEVEL: 'trace',
      NATS__URL: natsUrl,
      DATABASE__URL: testServices().databaseUrl,
      // Network providers first, so a request makes the gateway use (and fail with) every provider key.
      DATA__PROVIDERS: 'alpha-vantage,twelve-data,local',
      LLM__PROVIDER: 'openai',
      // A free port: the default 9464 may be held by another service started by a concurrent test.
      SERVICE__METRICS_PORT: '0',
      ...secrets,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  app.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
});

afterAll(async () => {
  // A child that already exited (with a code, or killed by a signal) fires no further 'exit' event.
  if (app && app.exitCode === null && app.signalCode === null) {
    const exited = new Promise((resolve) => app.once('exit', resolve));
    app.kill('SIGTERM');
    await exited;
  }
  if (nats && nats.exitCode === null && nats.signalCode === null) {
    const exited = new Promise((resolve) => nats.once('exit', resolve));
    nats.kill('SIGTERM');
    await exited;
  }
  rmSync(natsDir, { recursive: true, force: true });
});

describe('secrets in logs', () => {
  it('never prints a configured secret while the data gateway starts, serves and shuts down', async () => {
    // Serving, and past the shutdown handler's registration: the last start-up line of the gateway.
    await waitFor(/metrics and health listening/, READY_TIMEOUT_MS);
    let client: NatsBus | undefined;
    try {
      client = await connectBus({ url: natsUrl, name: 'secrets-check' });
      // A symbol no bundled CSV has: the request walks the provider chain with the keys, offline it fails.
      await client
        .request(
          Subjects.historyRequest,
          Messages.historyRequest,
          Messages.historyResponse,
          { symbol: 'ZZZQ', timeframe: '1d', from: '2024-01-02', to: '2024-01-31' },
          { timeoutMs: REQUEST_TIMEOUT_MS },
        )
        .catch(() => undefined);
    } finally {
      await client?.close();
    }
    const exited = new Promise((resolve) => app.once('exit', resolve));
    app.kill('SIGTERM');
    await exited;

    const lines = output.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(2);
    // The run must have reached the keyed providers, or it proves nothing about them.
    expect(output).toMatch(/alpha-vantage/);
    for (const [key, value] of Object.entries(secrets)) {
      expect(output.includes(value), `${key} leaked`).toBe(false);
      const fragment = value.slice(-LEAK_FRAGMENT_CHARS);
      expect(output.includes(fragment), `part of ${key} leaked`).toBe(false);
    }
  });
});
