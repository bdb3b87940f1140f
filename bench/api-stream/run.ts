/**
 * Gateway memory with 100 server-sent-event streams whose clients never read (issue 15 finding 8: a probe saw
 * 214 → 513 MiB). The gateway runs as its own process (apps/api-gateway/src/main.ts under tsx, as `npm start`) on a
 * private nats-server (tools/services starts one on a free port, so the 3 MiB/s of decisions reach no one else's
 * subscribers) and a throw-away database on the Postgres at DATABASE__URL's server; decisions of 32 KiB are
 * published for a bounded time while the gateway's RSS is sampled from /proc. Prints one JSON object.
 * Keys are made as an operator makes them: one admin key with the keys CLI, read keys through POST /v1/keys, a new
 * one whenever the gateway refuses a key more streams (429). Like bench/api it runs the app as a process and
 * imports none of its code.
 * Run: npm run bench:api-stream   (BENCH_STREAMS, BENCH_PUBLISH_S to change the load)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectBus } from '@ats/bus';
import { TradingMessages } from '@ats/contracts';
import { createLogger } from '@ats/observability';
import { up } from '@ats/tool-services';
import { createMigratedDatabase, eventually, freePort } from '@ats/tool-testing';
import { apiKeyFromCli } from '../support/api-key';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 100);
const PUBLISH_S = Number(process.env.BENCH_PUBLISH_S ?? 20);
const SERVER_URL = process.env.DATABASE__URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const REASONING = 'x'.repeat(32 * 1024);
/** Decisions per burst, and the pause between bursts: about 3 MiB/s to every stream. */
const BURST = 10;
const BURST_PAUSE_MS = 100;
const SAMPLE_MS = 100;
const MiB = 2 ** 20;

const gatewayMain = fileURLToPath(new URL('../../apps/api-gateway/src/main.ts', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident set size of a process, from the kernel's own count. */
function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

/** A new read key through the API, as an administrator makes one. */
async function readKey(origin: string, admin: string, name: string): Promise<string> {
  const response = await fetch(`${origin}/v1/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, scopes: ['read'] }),
  });
  if (response.status !== 201) throw new Error(`POST /v1/keys answered ${response.status}`);
  return ((await response.json()) as { key: string }).key;
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
  // A private nats-server: NATS__URL names a port nobody answers on, so tools/services starts one on a free port.
  const natsDir = mkdtempSync(join(tmpdir(), 'ats-bench-sse-'));
  const services = await up({
    services: ['nats'],
    dir: natsDir,
    env: { ...process.env, NATS__URL: `nats://127.0.0.1:${await freePort()}` },
  });
  const natsUrl = services.env.NATS__URL as string;
  let gateway: ChildProcess | undefined;
  const sockets: Socket[] = [];
  const database = await createMigratedDatabase(SERVER_URL, `ats_bench_sse_${process.pid}`);
  try {
    const admin = await apiKeyFromCli(database.url, 'bench-admin', 'admin');
    const apiPort = await freePort();
    const origin = `http://127.0.0.1:${apiPort}`;
    let disconnected = 0;
    gateway = spawn(process.execPath, ['--import', 'tsx', gatewayMain], {
      env: {
        ...process.env,
        ENVIRONMENT: 'production',
        LOG_LEVEL: 'warn',
        NATS__URL: natsUrl,
        DATABASE__URL: database.url,
        API__HOST: '127.0.0.1',
        API__PORT: String(apiPort),
        SERVICE__METRICS_PORT: String(await freePort()),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    gateway.stdout?.setEncoding('utf8');
    gateway.stdout?.on('data', (text: string) => {
      disconnected += text.split('slow stream client disconnected').length - 1;
    });
    const pid = gateway.pid;
    if (pid === undefined) throw new Error('the gateway did not start');
    await eventually(async () => ((await fetch(`${origin}/health`)).ok ? true : undefined), {
      timeoutMs: 120_000,
      what: 'the gateway /health',
    });
    await sleep(1_000);
    const idle = rssMiB(pid);

    const keys = [await readKey(origin, admin, 'bench 0')];
    for (let i = 0; i < STREAMS; i++) {
      let stream = await neverReadingStream(apiPort, keys.at(-1) as string);
      if (stream.status.includes(' 429 ')) {
        // This key has its most streams open: the next streams go on a new key.
        stream.socket.destroy();
        keys.push(await readKey(origin, admin, `bench ${keys.length}`));
        stream = await neverReadingStream(apiPort, keys.at(-1) as string);
      }
      sockets.push(stream.socket);
      if (!stream.status.startsWith('HTTP/1.1 200')) throw new Error(`stream ${i}: ${stream.status}`);
    }
    const withStreams = rssMiB(pid);

    const bus = await connectBus({
      url: natsUrl,
      name: 'bench-sse',
      logger: createLogger({ service: 'bench', level: 'warn' }),
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
        keys: keys.length,
        publishedDecisions: published,
        publishedMiBPerStream: Math.round((published * REASONING.length) / MiB),
        rssMiB: { idle: Math.round(idle), withStreams: Math.round(withStreams), peak: Math.round(peak) },
        slowClientsDisconnected: disconnected,
        loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number),
      }),
    );
  } finally {
    for (const socket of sockets) socket.destroy();
    gateway?.kill('SIGTERM');
    await sleep(1_000);
    gateway?.kill('SIGKILL');
    await database.drop().catch(() => undefined);
    await services.release();
    rmSync(natsDir, { recursive: true, force: true });
  }
}

await main();
