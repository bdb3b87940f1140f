/**
 * API gateway load benchmark on loopback: requests/s and latency percentiles for /health, a cached bars query
 * and a page of decisions from Postgres, each for a bounded time.
 * Run: npm run bench:api (NATS and Postgres at NATS__URL / DATABASE__URL when they answer, else private ones).
 * The gateway and the data gateway run as their own processes (as in production) against a throw-away
 * database; autocannon runs here. Prints one JSON object.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPrismaClient, deployMigrations } from '@ats/db';
import { freePort } from '@ats/tool-testing';
import autocannon from 'autocannon';
import pg from 'pg';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const NATS_URL = process.env.NATS__URL ?? 'nats://127.0.0.1:4222';
const SERVER_URL = process.env.DATABASE__URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const DECISIONS = 5_000;
const SYMBOLS = ['AAPL', 'GOOGL', 'MSFT', 'NVDA', 'TSLA'];
const AGENTS = ['technical', 'sentiment', 'risk', 'portfolio'];

const gatewayMain = fileURLToPath(new URL('../../apps/api-gateway/src/main.ts', import.meta.url));
const dataGatewayMain = fileURLToPath(new URL('../../apps/data-gateway/src/main.ts', import.meta.url));
const keysCli = fileURLToPath(new URL('../../apps/api-gateway/src/cli/keys.ts', import.meta.url));

/** A read key, made as an operator makes one: the gateway's keys CLI against the bench database. */
async function readKey(databaseUrl: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', keysCli, 'create', '--name=bench', '--scopes=read'],
    { env: { ...process.env, DATABASE__URL: databaseUrl, LOG_LEVEL: 'warn' } },
  );
  return (JSON.parse(stdout) as { key: string }).key;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function start(main: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, ENVIRONMENT: 'production', LOG_LEVEL: 'warn', NATS__URL: NATS_URL, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function waitFor(url: string, headers: Record<string, string> = {}, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url, { headers }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

async function load(name: string, url: string, headers: Record<string, string> = {}) {
  // Warm-up: JIT, connection pools, the bars cache.
  await autocannon({ url, connections: CONNECTIONS, duration: 1, headers });
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function main(): Promise<void> {
  const database = `ats_bench_api_${process.pid}`;
  const databaseUrl = Object.assign(new URL(SERVER_URL), { pathname: `/${database}` }).toString();
  await admin(`CREATE DATABASE "${database}"`);
  const children: ChildProcess[] = [];
  try {
    await deployMigrations({ databaseUrl });
    const db = createPrismaClient(databaseUrl);
    const key = await readKey(databaseUrl);
    const base = Date.parse('2023-01-03T21:00:00Z');
    await db.decision.createMany({
      data: Array.from({ length: DECISIONS }, (_, i) => ({
        correlationId: `bench-${Math.floor(i / 20)}`,
        agent: AGENTS[i % AGENTS.length] as string,
        symbol: SYMBOLS[i % SYMBOLS.length] as string,
        signal: (['BUY', 'SELL', 'HOLD'] as const)[i % 3] ?? 'HOLD',
        confidence: 0.6,
        reasoning: 'RSI 28 (oversold) with price above the 200-day SMA; MACD histogram turning up.',
        supportingData: { rsi14: 28.1, sma200: 151.2 },
        decidedAt: new Date(base + Math.floor(i / 20) * 86_400_000),
      })),
    });
    await db.$disconnect();

    const port = await freePort();
    // Each service serves /metrics on a port of its own (both default to 9464).
    children.push(start(dataGatewayMain, { SERVICE__METRICS_PORT: String(await freePort()) }));
    children.push(
      start(gatewayMain, {
        SERVICE__METRICS_PORT: String(await freePort()),
        DATABASE__URL: databaseUrl,
        API__HOST: '127.0.0.1',
        API__PORT: String(port),
        // The benchmark measures the server, not the limiter's refusals.
        API__RATE_LIMIT_MAX: '100000000',
      }),
    );
    const origin = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${key}` };
    const barsUrl = `${origin}/v1/bars/AAPL?from=2023-01-01&to=2023-12-31`;
    await waitFor(`${origin}/health`);
    await waitFor(barsUrl, auth);

    const results = [];
    results.push(await load('GET /health', `${origin}/health`));
    const monthUrl = `${origin}/v1/bars/AAPL?from=2023-03-01&to=2023-03-31`;
    await waitFor(monthUrl, auth);
    results.push(await load('GET /v1/bars/AAPL one month (cached, 23 bars)', monthUrl, auth));
    results.push(await load('GET /v1/bars/AAPL one year (cached, 250 bars)', barsUrl, auth));
    results.push(
      await load(
        'GET /v1/decisions?symbol=AAPL&limit=50',
        `${origin}/v1/decisions?symbol=AAPL&limit=50`,
        auth,
      ),
    );
    process.stdout.write(
      `${JSON.stringify(
        {
          benchmark: 'api-gateway',
          node: process.version,
          cpus: cpus().length,
          durationSeconds: DURATION_S,
          connections: CONNECTIONS,
          decisionsInTable: DECISIONS,
          results,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))),
    );
    await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/api failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
