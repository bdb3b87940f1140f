import type { Bus } from '@ats/bus';
import { type Fill, type Order, Streams, Subjects, TradingMessages } from '@ats/contracts';
import type { RunningStack } from '@ats/tool-stack';
import {
  type BookDay,
  bookFromFills,
  reconcileBooks,
  runTimeline,
  type TradingStore,
  timelineDifferences,
} from '@ats/trading-state';

export const ORCHESTRATOR_CLI = 'apps/orchestrator/src/cli.ts';

export interface PaperRunSpec {
  readonly runId: string;
  readonly symbols: readonly string[];
  readonly from: string;
  readonly to: string;
  /** Trading days per second. */
  readonly speed: number;
  /** Where the team runs (default remote: the stack's agent services); embedded decides the same every time. */
  readonly agents?: 'embedded' | 'remote';
  /** Each agent's budget (default 2000 ms). */
  readonly agentTimeoutMs?: number;
  /**
   * An attempt printing no cycle for this long is killed as stalled (default STALL_KILL_MS); a test that holds a
   * cycle on purpose (an outage it waits out) allows for that.
   */
  readonly stallKillMs?: number;
}

/** The orchestrator CLI's chaos hooks: it SIGKILLs itself at this instant of the cycle on the date the variable names. */
export const KILL_ENV = {
  /** Right after publishing the cycle's orders, before the intake records them. */
  afterPublish: 'ORCHESTRATOR_CHAOS_KILL_AFTER_PUBLISH_ON',
  /** Right after the first fill on the date's bar is committed, before its event and the bar's other fills. */
  afterFill: 'ORCHESTRATOR_CHAOS_KILL_AFTER_FILL_ON',
  /** With the cycle's snapshot issued, not yet acknowledged. */
  midSnapshot: 'ORCHESTRATOR_CHAOS_KILL_MID_SNAPSHOT_ON',
  /** Right after the snapshot is stored, before the cycle's completion event. */
  afterSnapshot: 'ORCHESTRATOR_CHAOS_KILL_AFTER_SNAPSHOT_ON',
} as const;
export type KillPoint = keyof typeof KILL_ENV;

/** One kill of a replay: the instant and the trading date. */
export interface KillAt {
  readonly point: KillPoint;
  readonly date: string;
}

/** An attempt that prints no cycle for this long is killed (SIGKILL) and counted as crashed; the next resumes. */
export const STALL_KILL_MS = 15_000;
/**
 * Extra time before the first cycle: the first start builds the CLI's bundle, which on busy cores alone can take longer
 * than STALL_KILL_MS, and a process still starting is not stalled.
 */
export const START_GRACE_MS = 60_000;

export interface PaperAttempt {
  readonly exitCode: number | null;
  /** The signal that ended it (SIGKILL: the chaos hook or the stall watchdog). */
  readonly signal: NodeJS.Signals | null;
  /** Killed by the stall watchdog. */
  readonly stalled: boolean;
  /** Wall time of the attempt, ms. */
  readonly ms: number;
  readonly cycles: number;
  /** Each printed cycle's wall time (its `latencyMs`), in order: the first of a resumed attempt is the re-run. */
  readonly cycleLatencyMs: readonly number[];
  /** Each printed cycle's wait for the intake to record its orders (`orderWaitMs`). */
  readonly orderWaitMs: readonly number[];
  /** Each printed cycle that ran degraded (an agent missing): its decision time (`asOf`), the agents and why. */
  readonly degradedCycles: readonly string[];
}

/**
 * One attempt of the paper replay as the orchestrator CLI (its own process, orchestrator's NATS user, remote
 * agents of the stack). `onCycle` sees each cycle's JSON line as it is printed.
 */
export function runPaperAttempt(
  stack: RunningStack,
  spec: PaperRunSpec,
  name: string,
  onCycle?: (index: number) => void,
  env: Readonly<Record<string, string>> = {},
): Promise<PaperAttempt> {
  const started = performance.now();
  let cycles = 0;
  const cycleLatencyMs: number[] = [];
  const orderWaitMs: number[] = [];
  const degradedCycles: string[] = [];
  const stallKillMs = spec.stallKillMs ?? STALL_KILL_MS;
  const args = [
    `--symbols=${spec.symbols.join(',')}`,
    `--replay-from=${spec.from}`,
    `--replay-to=${spec.to}`,
    '--mode=paper',
    `--agents=${spec.agents ?? 'remote'}`,
    `--agent-timeout-ms=${spec.agentTimeoutMs ?? 2000}`,
    `--speed=${spec.speed}`,
    `--run-id=${spec.runId}`,
    '--json',
  ];
  const cli = stack.spawnProcess(name, 'orchestrator', ORCHESTRATOR_CLI, args, env);
  let stalled = false;
  let lastProgress = performance.now() + START_GRACE_MS;
  const watchdog = setInterval(() => {
    if (performance.now() - lastProgress < stallKillMs) return;
    stalled = true;
    cli.child.kill('SIGKILL');
  }, 500);
  let partial = '';
  cli.child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + String(chunk)).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines)
      if (line.startsWith('{') && !line.includes('"summary"')) {
        lastProgress = performance.now();
        const cycle = JSON.parse(line) as {
          latencyMs?: unknown;
          orderWaitMs?: unknown;
          kind?: unknown;
          asOf?: unknown;
          degraded?: { agent: string; reason: string }[];
        };
        if (typeof cycle.latencyMs === 'number') cycleLatencyMs.push(cycle.latencyMs);
        if (typeof cycle.orderWaitMs === 'number') orderWaitMs.push(cycle.orderWaitMs);
        if (cycle.kind === 'degraded')
          degradedCycles.push(
            `${String(cycle.asOf)} ${(cycle.degraded ?? []).map((d) => `${d.agent}: ${d.reason}`).join('; ')}`,
          );
        cycles++;
        onCycle?.(cycles);
      }
  });
  return new Promise((resolve) =>
    cli.child.once('exit', (code, signal) => {
      clearInterval(watchdog);
      resolve({
        exitCode: code,
        signal,
        stalled,
        ms: performance.now() - started,
        cycles,
        cycleLatencyMs,
        orderWaitMs,
        degradedCycles,
      });
    }),
  );
}

/**
 * Runs the paper replay to completion: an attempt cut short by an outage is started again with the same run id,
 * which resumes after the last committed cycle (the orchestrator's restart protocol). At most `maxAttempts`.
 */
export async function runPaperToCompletion(
  stack: RunningStack,
  spec: PaperRunSpec,
  maxAttempts: number,
  onCycle?: (index: number) => void,
): Promise<PaperAttempt[]> {
  const attempts: PaperAttempt[] = [];
  for (let i = 1; i <= maxAttempts; i++) {
    const attempt = await runPaperAttempt(stack, spec, `paper-${spec.runId}-${i}`, onCycle);
    attempts.push(attempt);
    if (attempt.exitCode === 0) return attempts;
  }
  throw new Error(`paper run ${spec.runId} did not complete in ${maxAttempts} attempts`);
}

export interface RunLedgerCounts {
  readonly orders: number;
  readonly filledOrders: number;
  readonly fills: number;
  readonly snapshots: number;
  readonly streamSubmits: number;
  readonly streamFills: number;
}

/**
 * Counts orders vs fills vs JetStream for one run, and fails on any loss or duplicate: each order filled at most
 * once (FILLED ones exactly once), fill ids unique, every stored order submitted once on ORDERS and every stored
 * fill published once, the positions and cash rebuilt from the fills equal to the stored book.
 */
export async function checkRunLedger(
  admin: Bus,
  store: TradingStore,
  runId: string,
  initialCash: number,
): Promise<RunLedgerCounts> {
  const [state, orders, fills, snapshots] = await Promise.all([
    store.loadState(runId),
    store.orders(runId),
    store.fills(runId),
    store.snapshots(runId),
  ]);
  const window = { stream: Streams.orders.name, from: new Date(0), to: new Date(Date.now() + 3_600_000) };
  const submits = (await admin.history('order.submit.>', TradingMessages.order, window))
    .map((m) => m.data as Order)
    .filter((o) => o.runId === runId);
  const filled = (await admin.history(Subjects.orderFilled('*'), TradingMessages.fill, window))
    .map((m) => m.data as Fill)
    .filter((f) => f.runId === runId);
  const problems: string[] = [];
  const fillsPerOrder = new Map<string, number>();
  for (const f of fills) fillsPerOrder.set(f.clientOrderId, (fillsPerOrder.get(f.clientOrderId) ?? 0) + 1);
  for (const o of orders) {
    const count = fillsPerOrder.get(o.order.clientOrderId) ?? 0;
    if (count !== (o.status === 'FILLED' ? 1 : 0))
      problems.push(`order ${o.order.clientOrderId} (${o.status}) has ${count} fills`);
  }
  const unique = (ids: readonly string[]) => new Set(ids).size === ids.length;
  if (!unique(fills.map((f) => f.fillId))) problems.push('duplicate fill ids in Postgres');
  if (!unique(submits.map((o) => o.clientOrderId))) problems.push('an order submitted twice on JetStream');
  if (!unique(filled.map((f) => f.fillId))) problems.push('a fill published twice on JetStream');
  const same = (a: readonly string[], b: readonly string[]) =>
    JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
  if (
    !same(
      submits.map((o) => o.clientOrderId),
      orders.map((o) => o.order.clientOrderId),
    )
  )
    problems.push(`JetStream submits (${submits.length}) differ from stored orders (${orders.length})`);
  if (
    !same(
      filled.map((f) => f.fillId),
      fills.map((f) => f.fillId),
    )
  )
    problems.push(`JetStream fills (${filled.length}) differ from stored fills (${fills.length})`);
  const drift = reconcileBooks(bookFromFills(initialCash, fills), state);
  if (drift.length > 0) problems.push(`book differs from its fills: ${JSON.stringify(drift)}`);
  if (problems.length > 0) throw new Error(`run ${runId}:\n${problems.join('\n')}`);
  return {
    orders: orders.length,
    filledOrders: orders.filter((o) => o.status === 'FILLED').length,
    fills: fills.length,
    snapshots: snapshots.length,
    streamSubmits: submits.length,
    streamFills: filled.length,
  };
}

/** `count` dates spread evenly over those on which `timeline` placed orders: the kill points of a replay. */
export function publishKillDates(timeline: readonly BookDay[], count: number): string[] {
  const dates = timeline.filter((d) => d.orders.length > 0).map((d) => d.date);
  if (dates.length < count)
    throw new RangeError(`only ${dates.length} dates with orders, ${count} kills asked`);
  const step = dates.length / count;
  return Array.from({ length: count }, (_, i) => dates[Math.floor(i * step)] as string);
}

export interface KilledRun {
  readonly attempts: readonly PaperAttempt[];
  /**
   * The stall of each resume: how long its first cycle (the killed one, re-run) waited for the orders the dead
   * process had published but not recorded.
   */
  readonly resumeStallMs: readonly number[];
  /** Wall time of that re-run cycle in all (a fresh process's first cycle also warms up its code and pools). */
  readonly rerunCycleMs: readonly number[];
}

/**
 * The replay killed at the most dangerous instant, once per date in `killDates` (oldest first): right after the
 * orders of that date's cycle are on JetStream and before the intake records them; each kill is followed by a
 * resume with the same run id, and the last attempt runs to completion. Throws if a kill point never came.
 */
export function runPaperWithPublishKills(
  stack: RunningStack,
  spec: PaperRunSpec,
  killDates: readonly string[],
): Promise<KilledRun> {
  return runPaperWithKills(
    stack,
    spec,
    killDates.map((date) => ({ point: 'afterPublish', date })),
  );
}

/**
 * The replay killed once per entry of `kills` (dates oldest first), each attempt with one kill point armed; each
 * kill is followed by a resume with the same run id, and the last attempt runs to completion. Throws if a kill
 * point never came (the attempt ended any other way).
 */
export async function runPaperWithKills(
  stack: RunningStack,
  spec: PaperRunSpec,
  kills: readonly KillAt[],
  /** Looks at what each kill left behind (in Postgres) before the next attempt resumes. */
  afterKill?: (kill: KillAt, attempt: PaperAttempt) => Promise<void>,
): Promise<KilledRun> {
  const attempts: PaperAttempt[] = [];
  for (const [i, kill] of kills.entries()) {
    const attempt = await runPaperAttempt(stack, spec, `paper-${spec.runId}-kill-${i + 1}`, undefined, {
      [KILL_ENV[kill.point]]: kill.date,
    });
    attempts.push(attempt);
    if (attempt.signal !== 'SIGKILL' || attempt.stalled)
      throw new Error(
        `attempt ${i + 1} was to die at ${kill.point} on ${kill.date}: ${JSON.stringify(attempt)}`,
      );
    await afterKill?.(kill, attempt);
  }
  const last = await runPaperAttempt(stack, spec, `paper-${spec.runId}-resumed`);
  attempts.push(last);
  if (last.exitCode !== 0) throw new Error(`the resumed run did not complete: ${JSON.stringify(last)}`);
  const resumed = attempts.slice(1);
  return {
    attempts,
    resumeStallMs: resumed.map((a) => a.orderWaitMs[0] ?? Number.NaN),
    rerunCycleMs: resumed.map((a) => a.cycleLatencyMs[0] ?? Number.NaN),
  };
}

/**
 * Recovery judged by the book: the differences, date by date (orders, fills, positions, cash and equity), between
 * a run that was interrupted and resumed and an uninterrupted run of the same replay. Empty when they are equal.
 */
export async function bookDifferences(
  store: TradingStore,
  uninterruptedRunId: string,
  resumedRunId: string,
): Promise<string[]> {
  const [expected, actual] = await Promise.all([
    runTimeline(store, uninterruptedRunId),
    runTimeline(store, resumedRunId),
  ]);
  return timelineDifferences(expected, actual);
}
