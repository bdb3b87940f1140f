/**
 * The HTTP half of the reliability suite: 10,000 malformed requests against a real api-gateway process (its own
 * NATS user on a private nats-server, a private Postgres), 50 in flight, loopback only. Figures go to stdout as
 * `chaos |` lines.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deployMigrations } from '@ats/db';
import { parseExposition, sampleSum } from '@ats/metrics';
import { parseStackArgs, planStack, type RunningStack, STACK_APPS, startStack } from '@ats/tool-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_FLOOD_CONCURRENCY, API_MALFORMED_COUNT, floodApi } from '../api-flood';
import { type ChaosPostgres, startChaosPostgres } from '../private-postgres';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const KEYS_CLI = resolve(REPO_ROOT, 'apps/api-gateway/src/cli/keys.ts');
/** The flood must measure validation, not the per-key limiter (which would answer 429 to most of it). */
const FLOOD_RATE_LIMIT = 1_000_000;
const report = (text: string) => console.log(`chaos | ${text}`);

let postgres: ChaosPostgres;
let stack: RunningStack;
let apiUrl: string;
let metricsUrl: string;
let adminKey: string;
const gatewayLines: string[] = [];

async function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? done(address.port) : reject()));
    });
  });
}

async function healthy(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
    (r) => r.ok,
    () => false,
  );
}

beforeAll(async () => {
  postgres = await startChaosPostgres();
  await deployMigrations({ databaseUrl: postgres.url });
  // The first admin key, as an operator would bootstrap it.
  const created = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'tools/build/run-bundled.mjs'), KEYS_CLI, 'create', '--name=chaos', '--scopes=admin'],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE__URL: postgres.url, LOG_LEVEL: 'error' },
      encoding: 'utf8',
    },
  );
  if (created.status !== 0) throw new Error(`keys CLI failed: ${created.stderr}`);
  adminKey = (JSON.parse(created.stdout) as { key: string }).key;

  const apiPort = await freePort();
  apiUrl = `http://127.0.0.1:${apiPort}`;
  const skip = STACK_APPS.filter((app) => app !== 'api-gateway').join(',');
  stack = await startStack({
    repoRoot: REPO_ROOT,
    processes: planStack(REPO_ROOT, parseStackArgs(['--skip', skip])).processes,
    databaseUrl: postgres.url,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    appEnv: {
      'api-gateway': {
        API__HOST: '127.0.0.1',
        API__PORT: String(apiPort),
        API__RATE_LIMIT_MAX: String(FLOOD_RATE_LIMIT),
        API__ADDRESS_RATE_LIMIT_MAX: String(FLOOD_RATE_LIMIT),
        API__FAILED_AUTH_LIMIT_MAX: String(FLOOD_RATE_LIMIT),
      },
    },
    onLine: (_name, line) => gatewayLines.push(line),
  });
  const gateway = stack.processes[0];
  if (!gateway) throw new Error('api-gateway was not started');
  metricsUrl = `http://127.0.0.1:${gateway.metricsPort}`;
  // A deadline for the gateway starting (its bundle built first) on cores the rest of the run keeps busy.
  const deadline = Date.now() + 120_000;
  while (!((await healthy(`${metricsUrl}/health`)) && (await healthy(`${apiUrl}/health`)))) {
    if (Date.now() > deadline)
      throw new Error(`api-gateway not healthy in 120 s:\n${gatewayLines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  await stack?.stop();
  await postgres?.stop();
});

describe('malformed HTTP requests against a real api-gateway', () => {
  it(`${API_MALFORMED_COUNT} malformed bodies and query strings: every one a 4xx with a JSON message, the gateway alive`, async () => {
    const outcome = await floodApi({ baseUrl: apiUrl, apiKey: adminKey });
    const gateway = stack.processes[0];
    const samples = parseExposition(await (await fetch(`${metricsUrl}/metrics`)).text());
    report(
      `api flood: ${outcome.sent} requests, ${API_FLOOD_CONCURRENCY} in flight, in ${Math.round(outcome.elapsedMs)} ms ` +
        `(${Math.round(outcome.sent / (outcome.elapsedMs / 1000))} req/s, slowest ${Math.round(outcome.maxLatencyMs)} ms); ` +
        `statuses ${JSON.stringify(outcome.byStatus)}; kinds ${JSON.stringify(outcome.byKind)}; ` +
        `failures ${outcome.failures.length}; gateway errors_total ${sampleSum(samples, 'ats_errors_total')}; ` +
        `RSS ${Math.round(sampleSum(samples, 'process_resident_memory_bytes') / 2 ** 20)} MiB`,
    );
    for (const failure of outcome.failures.slice(0, 10)) report(`failure: ${JSON.stringify(failure)}`);
    expect(outcome.failures).toEqual([]);
    expect(Object.keys(outcome.byStatus).every((s) => Number(s) >= 400 && Number(s) < 500)).toBe(true);
    expect(sampleSum(samples, 'ats_errors_total')).toBe(0);
    expect(gateway?.child.exitCode).toBeNull();
    expect(await healthy(`${apiUrl}/health`)).toBe(true);
    expect(await healthy(`${metricsUrl}/health`)).toBe(true);
    // Still serving real requests with the same key afterwards.
    const keys = await fetch(`${apiUrl}/v1/keys`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(keys.status).toBe(200);
  }, 300_000);
});
