/**
 * Paper cycle over NATS (issue 13, goal 4): bars → the four agents as services → portfolio decision → paper orders
 * recorded by the intake, 5 symbols, remote agents in two replica processes (each serving all four agents in their
 * queue groups). The orchestrator runs as users run it, the `orchestrator:run` CLI in its own process (`--agents=remote
 * --json`): the bench reads its cycle lines and samples its CPU time from /proc. Prints one JSON object: the NATS
 * request/reply floor measured in the same run, one paper run's cycle latency (p50/p99 of `latencyMs`, team and
 * order-wait parts, CPU per cycle of the orchestrator and of the agent processes) and the throughput of
 * CONCURRENT_RUNS paper runs at once, each in its own namespace (symbol-analyses/s = cycles × symbols per second
 * between the first and the last cycle line), with the load average beside it.
 * Run: npm run bench:bus (part `cycle`), or alone: npx tsx tools/services/cli.ts run -- tsx bench/bus/cycle.ts (NATS and Postgres at NATS__URL / DATABASE__URL when they answer, else private ones).
 * Options (env): BENCH_CYCLE_PROFILE=<dir> writes --cpu-prof profiles of the orchestrator and agent processes there;
 * BENCH_CYCLE_TO (end of the window, default 2023-03-09), BENCH_CYCLE_CONCURRENT (runs at once, default 4).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { agentRpcSubjects, agentRpcTopology } from '@ats/agent-rpc';
import { connectBus } from '@ats/bus';
import { createLogger } from '@ats/observability';
import { bundledEntry, createMigratedDatabase } from '@ats/tool-testing';
import { connect } from '@nats-io/transport-node';

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
const ORCHESTRATOR_DIR = path.resolve(here, '../../apps/orchestrator');
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

/** One cycle line of `orchestrator:run --json` (the fields this bench reads). */
interface CycleLine {
  readonly type: string;
  readonly kind: string;
  readonly latencyMs: number;
  readonly teamMs: number;
  readonly orderWaitMs: number;
}

/** CPU time (user + system) a process has used so far, ms; undefined once it is gone. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_S) * 1000;
  } catch {
    return undefined;
  }
}

/** --cpu-prof flags for a child process when BENCH_CYCLE_PROFILE names a folder. */
function profileArgs(): string[] {
  const profileDir = process.env.BENCH_CYCLE_PROFILE;
  return profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
}

interface OrchestratorRun {
  readonly cycles: CycleLine[];
  /** CPU of the orchestrator process between successive cycle lines, ms. */
  readonly cpuPerCycleMs: number[];
  readonly firstCycleAt: number;
  readonly lastCycleAt: number;
}

/** One paper replay by the orchestrator CLI with remote agents, read line by line. */
function orchestratorRun(namespace: string, databaseUrl: string, runId: string): Promise<OrchestratorRun> {
  const child = spawn(
    process.execPath,
    [
      ...profileArgs(),
      // The orchestrator CLI as users run it: its cached bundle, not TypeScript compiled on the fly.
      ...bundledEntry('src/cli.ts'),
      `--symbols=${SYMBOLS.join(',')}`,
      `--replay-from=${FROM}`,
      `--replay-to=${TO}`,
      '--mode=paper',
      '--pattern=sequential',
      '--agents=remote',
      '--json',
      `--run-id=${runId}`,
      `--namespace=${namespace}`,
    ],
    {
      cwd: ORCHESTRATOR_DIR,
      env: { ...process.env, NATS__URL: NATS_URL, DATABASE__URL: databaseUrl, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const cycles: CycleLine[] = [];
  const cpuPerCycleMs: number[] = [];
  let firstCycleAt = 0;
  let lastCycleAt = 0;
  let stderr = '';
  let cpuMark: number | undefined;
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).on('line', (line) => {
    const parsed = JSON.parse(line) as CycleLine;
    if (parsed.type !== 'cycle') return;
    const now = performance.now();
    const cpu = processCpuMs(child.pid as number);
    if (cpu !== undefined && cpuMark !== undefined) cpuPerCycleMs.push(cpu - cpuMark);
    cpuMark = cpu;
    if (cycles.length === 0) firstCycleAt = now;
    lastCycleAt = now;
    cycles.push(parsed);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve({ cycles, cpuPerCycleMs, firstCycleAt, lastCycleAt })
        : reject(
            new Error(
              `orchestrator run ${runId} exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
            ),
          ),
    );
  });
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
/**
 * Mean CPU per cycle after the warm-up: /proc counts in 10 ms ticks, so one cycle's figure is 0, 10 or 20 ms and
 * only a sum over many cycles resolves a few ms.
 */
const meanCpu = (perCycle: readonly number[]) =>
  perCycle.length === 0 ? Number.NaN : round(perCycle.reduce((a, b) => a + b, 0) / perCycle.length, 1);
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
    // The timeout only bounds a lost reply; a busy machine's slow round trips are measured, not failed.
    await client.request(subject, payload, { timeout: 60_000 });
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

async function startReplica(namespaces: readonly string[], index: number): Promise<ChildProcess> {
  const args = [
    ...profileArgs(),
    ...bundledEntry(path.join(here, 'agents-worker.ts')),
    NATS_URL,
    namespaces.join(','),
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
  const latencyNamespace = `benchcycle${id}`;
  const throughputNamespaces = Array.from({ length: CONCURRENT_RUNS }, (_, k) => `benchcycle${id}c${k}`);
  const namespaces = [latencyNamespace, ...throughputNamespaces];
  const logger = createLogger({ service: 'bench-cycle', level: 'warn' });
  const bus = await connectBus({ url: NATS_URL, name: 'bench-cycle', logger });
  // A throw-away migrated database, as the API benches use: the runs' rows go nowhere else.
  const database = await createMigratedDatabase(DATABASE_SERVER_URL, `bench_cycle_${id}`);
  for (const namespace of namespaces) await bus.ensureTopology(agentRpcTopology(agentRpcSubjects(namespace)));
  const replicas: ChildProcess[] = [];
  const load: Record<string, number[]> = { start: loadavg() };
  try {
    const floor = await natsFloor(latencyNamespace);
    for (let i = 0; i < REPLICAS; i++) replicas.push(await startReplica(namespaces, i));

    // 1. Latency: one run, cycles one after another.
    const single = await orchestratorRun(latencyNamespace, database.url, `bench_cycle_${id}_single`);
    load.afterLatency = loadavg();
    const reports = single.cycles.slice(WARMUP_CYCLES);
    const degraded = single.cycles.filter((r) => r.kind !== 'completed').length;
    const of = (pick: (r: CycleLine) => number) => {
      const xs = reports.map(pick);
      return {
        p50Ms: round(percentile(xs, 50)),
        p99Ms: round(percentile(xs, 99)),
        maxMs: round(Math.max(...xs)),
      };
    };

    // 2. Throughput: CONCURRENT_RUNS paper runs at once (one orchestrator each) on the same agent replicas.
    const runs = await Promise.all(
      throughputNamespaces.map((namespace, k) =>
        orchestratorRun(namespace, database.url, `bench_cycle_${id}_c${k}`),
      ),
    );
    load.afterThroughput = loadavg();
    const cycles = runs.reduce((n, r) => n + r.cycles.length, 0);
    // From the first cycle of any run to the last of any: the runs' start-up (bundle load, migrations check) left out.
    const wallS =
      (Math.max(...runs.map((r) => r.lastCycleAt)) - Math.min(...runs.map((r) => r.firstCycleAt))) / 1000;
    const agents = await Promise.all(replicas.splice(0).map(stopReplica));
    const totalCycles = single.cycles.length + cycles;
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
        orchestratorCpuMsPerCycle: round(percentile(single.cpuPerCycleMs.slice(WARMUP_CYCLES), 50)),
        orchestratorCpuMsPerCycleMean: meanCpu(single.cpuPerCycleMs.slice(WARMUP_CYCLES)),
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
        orchestratorCpuMsPerCycle: round(
          percentile(
            runs.flatMap((r) => r.cpuPerCycleMs.slice(WARMUP_CYCLES)),
            50,
          ),
        ),
        orchestratorCpuMsPerCycleMean: meanCpu(runs.flatMap((r) => r.cpuPerCycleMs.slice(WARMUP_CYCLES))),
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
    await database.drop();
    const nc = await connect({ servers: NATS_URL });
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names())
      if (namespaces.some((namespace) => name.endsWith(`_${namespace}`))) await jsm.streams.delete(name);
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
