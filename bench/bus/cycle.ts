/**
 * Paper cycle over NATS (issue 13, goal 4): bars → the four agents as services → portfolio decision → paper orders
 * recorded by the intake, 5 symbols, remote agents in two replica processes (each serving all four agents in their
 * queue groups). Prints one JSON object: the NATS request/reply floor measured in the same run, one paper run's
 * cycle latency (p50/p99 of `latencyMs`, team and order-wait parts, CPU per cycle of the orchestrator and of the
 * agent processes) and the throughput of CONCURRENT_RUNS paper runs at once (symbol-analyses/s = cycles × symbols
 * per second of wall time), with the load average beside it.
 * Run: npm run bench:bus (part `cycle`), or alone: npx tsx tools/services/cli.ts run -- tsx bench/bus/cycle.ts (NATS and Postgres at NATS__URL / DATABASE__URL when they answer, else private ones).
 * Options (env): BENCH_CYCLE_PROFILE=<dir> writes --cpu-prof profiles of the agent processes there;
 * BENCH_CYCLE_TO (end of the window, default 2023-03-09), BENCH_CYCLE_CONCURRENT (runs at once, default 4).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { agentRpcSubjects, agentRpcTopology } from '@ats/agent-rpc';
import { connectBus } from '@ats/bus';
import { createPrismaClient } from '@ats/db';
import { LocalCsvProvider } from '@ats/market-data';
import { createLogger } from '@ats/observability';
import { createMigratedDatabase } from '@ats/tool-testing';
import { PrismaTradingStore } from '@ats/trading-state';
import { connect } from '@nats-io/transport-node';
import type { CycleReport } from '../../apps/orchestrator/src/cycle-runner';
import { runReplay } from '../../apps/orchestrator/src/replay';

const NATS_URL = process.env.NATS__URL ?? 'nats://127.0.0.1:4222';
const DATABASE_SERVER_URL = process.env.DATABASE__URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const SYMBOLS = ['AAPL', 'GOOGL', 'MSFT', 'NVDA', 'TSLA'];
const FROM = '2023-01-12';
const TO = process.env.BENCH_CYCLE_TO ?? '2023-03-09';
const WARMUP_CYCLES = 5;
const FLOOR_ROUND_TRIPS = 2000;
const REPLICAS = 2;
const CONCURRENT_RUNS = Number(process.env.BENCH_CYCLE_CONCURRENT ?? 4);
const here = path.dirname(fileURLToPath(import.meta.url));

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** Raw NATS request/reply, one in flight, empty payload: the transport's round trip on this machine now. */
async function natsFloor(namespace: string) {
  const server = await connect({ servers: NATS_URL });
  const client = await connect({ servers: NATS_URL });
  const subject = `${namespace}.floor`;
  server.subscribe(subject, {
    callback: (_e, m) => {
      m.respond(m.data);
    },
  });
  await server.flush();
  const payload = new Uint8Array(64);
  const times: number[] = [];
  for (let i = 0; i < FLOOR_ROUND_TRIPS; i++) {
    const t = performance.now();
    await client.request(subject, payload, { timeout: 5000 });
    times.push(performance.now() - t);
  }
  await client.drain();
  await server.drain();
  const warm = times.slice(100);
  return {
    roundTrips: warm.length,
    p50Ms: round(percentile(warm, 50), 3),
    p99Ms: round(percentile(warm, 99), 3),
  };
}

async function startReplica(namespace: string, index: number): Promise<ChildProcess> {
  const profileDir = process.env.BENCH_CYCLE_PROFILE;
  const args = [
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    '--import',
    'tsx',
    path.join(here, 'agents-worker.ts'),
    NATS_URL,
    namespace,
    `bench-agents-${index}`,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`agent replica ${index} exited (${code})`)));
    lines.once('line', (line) => (line === 'ready' ? resolve() : reject(new Error(line))));
  });
  return child;
}

async function stopReplica(child: ChildProcess): Promise<{ cpuMs: number; handled: Record<string, number> }> {
  const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
  const report = new Promise<string>((resolve) => lines.once('line', resolve));
  child.kill('SIGTERM');
  return JSON.parse(await report);
}

/** Runs the cycle benchmark and returns its figures (bench/bus/run.ts prints them under `cycle`). */
export async function runCycleBench(): Promise<Record<string, unknown>> {
  const id = randomBytes(3).toString('hex');
  const namespace = `benchcycle${id}`;
  const logger = createLogger({ service: 'bench-cycle', level: 'warn' });
  const bus = await connectBus({ url: NATS_URL, name: 'bench-cycle', logger });
  // A throw-away migrated database, as the API benches use: the runs' rows go nowhere else.
  const database = await createMigratedDatabase(DATABASE_SERVER_URL, `bench_cycle_${id}`);
  const prisma = createPrismaClient(database.url);
  const store = new PrismaTradingStore(prisma);
  const subjects = agentRpcSubjects(namespace);
  await bus.ensureTopology(agentRpcTopology(subjects));
  const replicas: ChildProcess[] = [];
  const load: Record<string, number[]> = { start: loadavg() };
  try {
    const floor = await natsFloor(namespace);
    for (let i = 0; i < REPLICAS; i++) replicas.push(await startReplica(namespace, i));
    const provider = new LocalCsvProvider();
    const run = (runId: string, onCycle?: (r: CycleReport) => void) =>
      runReplay({
        runId,
        symbols: SYMBOLS,
        mode: 'paper',
        pattern: 'sequential',
        from: FROM,
        to: TO,
        initialCash: 100_000,
        agents: 'remote',
        namespace,
        speed: 0,
        bus,
        store,
        provider,
        logger,
        ...(onCycle ? { onCycle } : {}),
      });

    // 1. Latency: one run, cycles one after another.
    const cpuPerCycle: number[] = [];
    let cpuMark = process.cpuUsage();
    const single = await run(`bench_cycle_${id}_single`, () => {
      const now = process.cpuUsage();
      cpuPerCycle.push(cpuMs(process.cpuUsage(cpuMark)));
      cpuMark = now;
    });
    load.afterLatency = loadavg();
    const reports = single.reports.slice(WARMUP_CYCLES);
    const degraded = single.reports.filter((r) => r.kind !== 'completed').length;
    const of = (pick: (r: CycleReport) => number) => {
      const xs = reports.map(pick);
      return {
        p50Ms: round(percentile(xs, 50)),
        p99Ms: round(percentile(xs, 99)),
        maxMs: round(Math.max(...xs)),
      };
    };

    // 2. Throughput: CONCURRENT_RUNS paper runs at once on the same agent replicas.
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const runs = await Promise.all(
      Array.from({ length: CONCURRENT_RUNS }, (_, k) => run(`bench_cycle_${id}_c${k}`)),
    );
    const wallS = (performance.now() - started) / 1000;
    const concurrentCpuMs = cpuMs(process.cpuUsage(cpuBefore));
    load.afterThroughput = loadavg();
    const cycles = runs.reduce((n, r) => n + r.reports.length, 0);
    const agents = await Promise.all(replicas.splice(0).map(stopReplica));
    const totalCycles = single.reports.length + cycles;
    const agentCpuMs = agents.reduce((n, a) => n + a.cpuMs, 0);

    return {
      node: process.version,
      symbols: SYMBOLS.length,
      window: { from: FROM, to: TO },
      pattern: 'sequential',
      replicasPerAgent: REPLICAS,
      natsFloor: floor,
      latency: {
        cycles: reports.length,
        warmupCyclesLeftOut: WARMUP_CYCLES,
        degraded,
        cycle: of((r) => r.latencyMs),
        team: of((r) => r.teamMs),
        orderWait: of((r) => r.orderWaitMs),
        orchestratorCpuMsPerCycle: round(percentile(cpuPerCycle.slice(WARMUP_CYCLES), 50)),
        p50OverFloor: round(
          percentile(
            reports.map((r) => r.latencyMs),
            50,
          ) / floor.p50Ms,
          1,
        ),
        goal: { p50Ms: 5, p99Ms: 25 },
      },
      throughput: {
        concurrentRuns: CONCURRENT_RUNS,
        cycles,
        wallS: round(wallS),
        symbolAnalysesPerSec: Math.round((cycles * SYMBOLS.length) / wallS),
        orchestratorCpuMsPerCycle: round(concurrentCpuMs / cycles),
        goal: { symbolAnalysesPerSec: 2000 },
      },
      agentReplicas: {
        cpuMsPerCycle: round(agentCpuMs / totalCycles),
        handled: agents.map((a) => a.handled),
      },
      loadavg: load,
    };
  } finally {
    for (const child of replicas) child.kill('SIGTERM');
    await bus.close();
    await prisma.$disconnect();
    await database.drop();
    const nc = await connect({ servers: NATS_URL });
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names())
      if (name.endsWith(`_${namespace}`)) await jsm.streams.delete(name);
    await nc.drain();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  runCycleBench().then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
