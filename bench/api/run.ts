/**
 * API gateway load benchmark on loopback: requests/s and latency percentiles for /health, the cached bars route
 * (one month and one year of AAPL) and a page of decisions from Postgres, beside a floor: a bare Fastify server
 * (bench/api/floor-server.ts) answering the bars URLs with the very bytes the gateway answered, in the same run.
 * Rounds alternate floor and gateway, so a busy moment on the shared cores hits both; each figure is the median of
 * the rounds, with the load average read before and after each measurement.
 * Run: npm run bench:api (NATS and Postgres at NATS__URL / DATABASE__URL when they answer, else private ones).
 * The gateway and the data gateway run as their own processes (as in production) against a throw-away
 * database; autocannon runs here. Prints one JSON object; exits 1 when any request failed or was not 2xx.
 * BENCH_DURATION_S, BENCH_CONNECTIONS, BENCH_ROUNDS change the load; BENCH_TARGETS=<regexp> measures only the targets
 * whose name matches; BENCH_PROFILE_DIR=<dir> starts the gateway
 * under `node --cpu-prof` and leaves its .cpuprofile there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrismaClient } from '@ats/db';
import { bundledEntry, createMigratedDatabase, eventually, freePort } from '@ats/tool-testing';
import autocannon from 'autocannon';
import { apiKeyFromCli } from '../support/api-key';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
/** Only the targets whose name matches (a regular expression), e.g. to profile one route. */
const ONLY = new RegExp(process.env.BENCH_TARGETS ?? '');
const NATS_URL = process.env.NATS__URL ?? 'nats://127.0.0.1:4222';
const SERVER_URL = process.env.DATABASE__URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const DECISIONS = 5_000;
const SYMBOLS = ['AAPL', 'GOOGL', 'MSFT', 'NVDA', 'TSLA'];
const AGENTS = ['technical', 'sentiment', 'risk', 'portfolio'];
/** Issue 13 goal 5: the cached bars route on loopback. */
const GOAL = { requestsPerSecond: 10_000, p99Ms: 10 };

const gatewayMain = fileURLToPath(new URL('../../apps/api-gateway/src/main.ts', import.meta.url));
const dataGatewayMain = fileURLToPath(new URL('../../apps/data-gateway/src/main.ts', import.meta.url));
const floorServer = fileURLToPath(new URL('./floor-server.ts', import.meta.url));

/** The 1-, 5- and 15-minute load averages: the machine's 2 cores are shared, so every figure carries them. */
const loadAverage = (): number[] => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

/** CPU time (user + system) a process has used, in ms, from the kernel's count (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  // Fields after the command name (which may hold spaces) start at the state, field 3; utime and stime are 14, 15.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function start(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [...args], {
    env: { ...process.env, ENVIRONMENT: 'production', LOG_LEVEL: 'warn', NATS__URL: NATS_URL, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

class ExitedBeforeAnsweringError extends Error {
  constructor(url: string, exit: number | string | null) {
    super(`the server for ${url} exited (${exit}) before answering`);
  }
}

/**
 * The services start from their bundles (built on the first run after a change, which takes a while on busy cores),
 * so the wait is for the condition, bounded only by the server process staying alive and a generous deadline.
 */
const STARTUP_DEADLINE_MS = 15 * 60_000;
const waitFor = (url: string, server: ChildProcess, headers: Record<string, string> = {}) =>
  eventually(
    async () => {
      if (server.exitCode !== null || server.signalCode !== null)
        throw new ExitedBeforeAnsweringError(url, server.exitCode ?? server.signalCode);
      return (await fetch(url, { headers })).ok ? true : undefined;
    },
    { what: `${url} 200`, timeoutMs: STARTUP_DEADLINE_MS, rethrow: ExitedBeforeAnsweringError },
  );

interface Target {
  readonly name: string;
  readonly url: string;
  /** The server process, whose CPU time per request is counted (a figure the other work on the cores moves less). */
  readonly server: ChildProcess;
  readonly headers?: Record<string, string>;
}

interface Measurement {
  readonly requestsPerSecond: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; max: number };
  readonly requests: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly serverCpuMicrosecondsPerRequest: number;
  readonly loadAverage: { before: number[]; after: number[] };
}

async function measure(target: Target, warmUp: boolean): Promise<Measurement> {
  const options = { url: target.url, connections: CONNECTIONS, headers: target.headers ?? {} };
  // Warm-up: JIT, connection pools, the bars cache.
  if (warmUp) await autocannon({ ...options, duration: 1 });
  const before = loadAverage();
  const pid = target.server.pid as number;
  const cpuBefore = cpuMs(pid);
  const result = await autocannon({ ...options, duration: DURATION_S });
  const cpuSpentMs = cpuMs(pid) - cpuBefore;
  return {
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
    serverCpuMicrosecondsPerRequest: Math.round((cpuSpentMs * 1000) / Math.max(1, result.requests.total)),
    loadAverage: { before, after: loadAverage() },
  };
}

/** The round with the median requests/s (its latencies with it), and every round's figures. */
function median(name: string, rounds: readonly Measurement[]) {
  const sorted = [...rounds].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  const middle = sorted[Math.floor(sorted.length / 2)] as Measurement;
  return {
    name,
    requestsPerSecond: middle.requestsPerSecond,
    latencyMs: middle.latencyMs,
    serverCpuMicrosecondsPerRequest: middle.serverCpuMicrosecondsPerRequest,
    loadAverage: middle.loadAverage,
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
    rounds: rounds.map((r) => ({
      requestsPerSecond: r.requestsPerSecond,
      p99Ms: r.latencyMs.p99,
      serverCpuMicrosecondsPerRequest: r.serverCpuMicrosecondsPerRequest,
      loadAverage1m: r.loadAverage.before[0],
    })),
  };
}

async function main(): Promise<void> {
  const database = await createMigratedDatabase(SERVER_URL, `ats_bench_api_${process.pid}`);
  const databaseUrl = database.url;
  const scratch = mkdtempSync(join(tmpdir(), 'ats-bench-api-'));
  const children: ChildProcess[] = [];
  try {
    const db = createPrismaClient(databaseUrl);
    const key = await apiKeyFromCli(databaseUrl, 'bench', 'read');
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
    children.push(start(bundledEntry(dataGatewayMain), { SERVICE__METRICS_PORT: String(await freePort()) }));
    const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
    const gateway = start([...profile, ...bundledEntry(gatewayMain)], {
      SERVICE__METRICS_PORT: String(await freePort()),
      DATABASE__URL: databaseUrl,
      API__HOST: '127.0.0.1',
      API__PORT: String(port),
      // The benchmark measures the server, not the limiters' refusals (per key, and per client address).
      API__RATE_LIMIT_MAX: '100000000',
      API__ADDRESS_RATE_LIMIT_MAX: '100000000',
    });
    children.push(gateway);
    const origin = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${key}` };
    const barsPaths = {
      month: '/v1/bars/AAPL?from=2023-03-01&to=2023-03-31',
      year: '/v1/bars/AAPL?from=2023-01-01&to=2023-12-31',
    };
    await waitFor(`${origin}/health`, gateway);
    // The first answers fill the bars cache (a miss asks the data gateway); their bytes are the floor's payloads.
    const payloads: Record<string, { contentType: string; body: string }> = {};
    for (const path of Object.values(barsPaths)) {
      await waitFor(`${origin}${path}`, gateway, auth);
      const response = await fetch(`${origin}${path}`, { headers: auth });
      const body = Buffer.from(await response.arrayBuffer());
      payloads[path] = {
        contentType: response.headers.get('content-type') ?? 'application/json',
        body: body.toString('base64'),
      };
    }
    const payloadFile = join(scratch, 'payloads.json');
    writeFileSync(payloadFile, JSON.stringify(payloads));
    const floorPort = await freePort();
    const floor = start(['--import', 'tsx', floorServer, String(floorPort), payloadFile]);
    children.push(floor);
    const floorOrigin = `http://127.0.0.1:${floorPort}`;
    for (const [path, payload] of Object.entries(payloads)) {
      await waitFor(`${floorOrigin}${path}`, floor);
      const floorBody = Buffer.from(await (await fetch(`${floorOrigin}${path}`)).arrayBuffer());
      if (!floorBody.equals(Buffer.from(payload.body, 'base64')))
        throw new Error(`the floor does not answer ${path} with the gateway's bytes`);
    }

    const targets: Target[] = [
      { name: 'GET /health', url: `${origin}/health`, server: gateway },
      {
        name: 'floor: bare Fastify, bars one month bytes',
        url: `${floorOrigin}${barsPaths.month}`,
        server: floor,
      },
      {
        name: 'GET /v1/bars/AAPL one month (cached, 23 bars)',
        url: `${origin}${barsPaths.month}`,
        headers: auth,
        server: gateway,
      },
      {
        name: 'floor: bare Fastify, bars one year bytes',
        url: `${floorOrigin}${barsPaths.year}`,
        server: floor,
      },
      {
        name: 'GET /v1/bars/AAPL one year (cached, 250 bars)',
        url: `${origin}${barsPaths.year}`,
        headers: auth,
        server: gateway,
      },
      {
        name: 'GET /v1/decisions?symbol=AAPL&limit=50',
        url: `${origin}/v1/decisions?symbol=AAPL&limit=50`,
        headers: auth,
        server: gateway,
      },
    ];
    const chosen = targets.filter((t) => ONLY.test(t.name));
    const rounds = new Map<string, Measurement[]>(chosen.map((t) => [t.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of chosen) rounds.get(target.name)?.push(await measure(target, round === 0));
    }
    const results = chosen.map((t) => median(t.name, rounds.get(t.name) ?? []));
    const byName = (name: string) => results.find((r) => r.name === name);
    const versus = (gatewayName: string, floorName: string) => {
      const gateway = byName(gatewayName);
      const floor = byName(floorName);
      if (!gateway || !floor) return undefined;
      return {
        gatewayRequestsPerSecond: gateway.requestsPerSecond,
        gatewayP99Ms: gateway.latencyMs.p99,
        floorRequestsPerSecond: floor.requestsPerSecond,
        floorP99Ms: floor.latencyMs.p99,
        gatewayCpuMicrosecondsPerRequest: gateway.serverCpuMicrosecondsPerRequest,
        floorCpuMicrosecondsPerRequest: floor.serverCpuMicrosecondsPerRequest,
        ratioToFloor: Math.round((gateway.requestsPerSecond / floor.requestsPerSecond) * 100) / 100,
        goalMet: gateway.requestsPerSecond >= GOAL.requestsPerSecond && gateway.latencyMs.p99 < GOAL.p99Ms,
      };
    };
    const failed = results.filter((r) => r.errors > 0 || r.non2xx > 0);
    process.stdout.write(
      `${JSON.stringify(
        {
          benchmark: 'api-gateway',
          node: process.version,
          cpus: cpus().length,
          durationSeconds: DURATION_S,
          connections: CONNECTIONS,
          rounds: ROUNDS,
          decisionsInTable: DECISIONS,
          goal: {
            cachedBars: `>= ${GOAL.requestsPerSecond} req/s with p99 < ${GOAL.p99Ms} ms`,
            oneMonth: versus(targets[2]?.name ?? '', targets[1]?.name ?? ''),
            oneYear: versus(targets[4]?.name ?? '', targets[3]?.name ?? ''),
          },
          results,
        },
        null,
        2,
      )}\n`,
    );
    if (failed.length > 0)
      throw new Error(`failed or non-2xx answers in: ${failed.map((r) => r.name).join(', ')}`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))),
    );
    await database.drop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/api failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
