/**
 * Gateway memory with 100 server-sent-event streams whose clients never read (issue 15 finding 8: a probe saw
 * 214 → 513 MiB). The gateway runs as its own process (src/main.ts under tsx, as `npm start`) on a private
 * nats-server and a throw-away database on the Postgres at DATABASE__URL's server; decisions of 32 KiB are
 * published for a bounded time while the gateway's RSS is sampled from /proc. Prints one JSON object.
 * Run: cd apps/api-gateway && npx tsx bench/stream-rss.ts   (BENCH_STREAMS, BENCH_PUBLISH_S to change the load)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectBus } from '@ats/bus';
import { systemClock, TradingMessages } from '@ats/contracts';
import { createPrismaClient, deployMigrations } from '@ats/db';
import { createLogger } from '@ats/observability';
import { freePort } from '@ats/tool-testing';
import pg from 'pg';
import { ApiKeyStore } from '../src/auth/key-store';
import { DEFAULT_MAX_STREAMS_PER_KEY } from '../src/routes/stream';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 100);
const PUBLISH_S = Number(process.env.BENCH_PUBLISH_S ?? 20);
const SERVER_URL = process.env.DATABASE__URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REASONING = 'x'.repeat(32 * 1024);
/** Decisions per burst, and the pause between bursts: about 3 MiB/s to every stream. */
const BURST = 10;
const BURST_PAUSE_MS = 100;
const SAMPLE_MS = 100;
const MiB = 2 ** 20;

const gatewayMain = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Resident set size of a process, from the kernel's own count. */
function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

async function waitFor(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(250);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** A stream whose client reads the response head, then never reads again; resolves with its status line. */
function neverReadingStream(port: number, key: string): Promise<{ socket: Socket; status: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key}\r\n\r\n`);
    });
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString();
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.pause();
      resolve({ socket, status: head.split('\r\n')[0] ?? '' });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

async function main(): Promise<void> {
  const natsDir = mkdtempSync(join(tmpdir(), 'ats-bench-sse-'));
  const natsPort = await freePort();
  const nats = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(natsPort), '-sd', natsDir], {
    stdio: 'ignore',
  });
  const natsUrl = `nats://127.0.0.1:${natsPort}`;
  const database = `ats_bench_sse_${process.pid}`;
  const databaseUrl = withDatabase(SERVER_URL, database);
  let gateway: ChildProcess | undefined;
  const sockets: Socket[] = [];
  try {
    await onServer(`CREATE DATABASE "${database}"`);
    await deployMigrations({ databaseUrl });
    const db = createPrismaClient(databaseUrl);
    const store = new ApiKeyStore(db, systemClock);
    const keyCount = Math.ceil(STREAMS / DEFAULT_MAX_STREAMS_PER_KEY);
    const keys = await Promise.all(
      Array.from({ length: keyCount }, (_, i) => store.create(`bench ${i}`, ['read']).then((k) => k.key)),
    );
    await db.$disconnect();

    const apiPort = await freePort();
    const metricsPort = await freePort();
    let disconnected = 0;
    gateway = spawn(process.execPath, ['--import', 'tsx', gatewayMain], {
      env: {
        ...process.env,
        ENVIRONMENT: 'production',
        LOG_LEVEL: 'warn',
        NATS__URL: natsUrl,
        DATABASE__URL: databaseUrl,
        API__HOST: '127.0.0.1',
        API__PORT: String(apiPort),
        SERVICE__METRICS_PORT: String(metricsPort),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    gateway.stdout?.setEncoding('utf8');
    gateway.stdout?.on('data', (text: string) => {
      disconnected += text.split('slow stream client disconnected').length - 1;
    });
    const pid = gateway.pid;
    if (pid === undefined) throw new Error('the gateway did not start');
    await waitFor(`http://127.0.0.1:${apiPort}/health`);
    await sleep(1_000);
    const idle = rssMiB(pid);

    for (let i = 0; i < STREAMS; i++) {
      const stream = await neverReadingStream(apiPort, keys[i % keys.length] ?? '');
      sockets.push(stream.socket);
      if (!stream.status.startsWith('HTTP/1.1 200')) throw new Error(`stream ${i}: ${stream.status}`);
    }
    const withStreams = rssMiB(pid);

    const bus = await connectBus({
      url: natsUrl,
      name: 'bench-sse',
      logger: createLogger({ service: 'bench' }),
    });
    let peak = withStreams;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMiB(pid));
    }, SAMPLE_MS);
    let published = 0;
    const until = Date.now() + PUBLISH_S * 1_000;
    while (Date.now() < until) {
      for (let i = 0; i < BURST; i++) {
        await bus.publish('decision.technical.AAPL', TradingMessages.agentDecision, {
          agent: 'technical',
          symbol: 'AAPL',
          signal: 'HOLD',
          confidence: 0.5,
          reasoning: `${published++} ${REASONING}`,
          supportingData: {},
          ts: new Date().toISOString(),
        });
      }
      await sleep(BURST_PAUSE_MS);
    }
    await sleep(2_000);
    clearInterval(sampler);
    peak = Math.max(peak, rssMiB(pid));
    await bus.close();
    console.log(
      JSON.stringify({
        streams: STREAMS,
        publishedDecisions: published,
        publishedMiBPerStream: Math.round((published * REASONING.length) / MiB),
        rssMiB: { idle: Math.round(idle), withStreams: Math.round(withStreams), peak: Math.round(peak) },
        slowClientsDisconnected: disconnected,
      }),
    );
  } finally {
    for (const socket of sockets) socket.destroy();
    gateway?.kill('SIGTERM');
    await sleep(1_000);
    gateway?.kill('SIGKILL');
    nats.kill('SIGTERM');
    await onServer(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    rmSync(natsDir, { recursive: true, force: true });
  }
}

await main();
