import type { Bus } from '@ats/bus';
import { type Fill, type Order, Streams, Subjects, TradingMessages } from '@ats/contracts';
import type { RunningStack } from '@ats/tool-stack';
import { bookFromFills, reconcileBooks, type TradingStore } from '@ats/trading-state';

export const ORCHESTRATOR_CLI = 'apps/orchestrator/src/cli.ts';

export interface PaperRunSpec {
  readonly runId: string;
  readonly symbols: readonly string[];
  readonly from: string;
  readonly to: string;
  /** Trading days per second. */
  readonly speed: number;
}

/** An attempt that prints no cycle for this long is killed (SIGKILL) and counted as crashed; the next resumes. */
export const STALL_KILL_MS = 15_000;
/**
 * Extra time before the first cycle: tsx compiles the CLI from source, which on busy cores alone can take longer
 * than STALL_KILL_MS, and a process still starting is not stalled.
 */
export const START_GRACE_MS = 60_000;

export interface PaperAttempt {
  readonly exitCode: number | null;
  /** Killed by the stall watchdog. */
  readonly stalled: boolean;
  /** Wall time of the attempt, ms. */
  readonly ms: number;
  readonly cycles: number;
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
): Promise<PaperAttempt> {
  const started = performance.now();
  let cycles = 0;
  const args = [
    `--symbols=${spec.symbols.join(',')}`,
    `--replay-from=${spec.from}`,
    `--replay-to=${spec.to}`,
    '--mode=paper',
    '--agents=remote',
    '--agent-timeout-ms=2000',
    `--speed=${spec.speed}`,
    `--run-id=${spec.runId}`,
    '--json',
  ];
  const cli = stack.spawnProcess(name, 'orchestrator', ORCHESTRATOR_CLI, args);
  let stalled = false;
  let lastProgress = performance.now() + START_GRACE_MS;
  const watchdog = setInterval(() => {
    if (performance.now() - lastProgress < STALL_KILL_MS) return;
    stalled = true;
    cli.child.kill('SIGKILL');
  }, 500);
  cli.child.stdout?.on('data', (chunk: Buffer) => {
    for (const line of String(chunk).split('\n'))
      if (line.startsWith('{') && !line.includes('"summary"')) {
        lastProgress = performance.now();
        onCycle?.(++cycles);
      }
  });
  return new Promise((resolve) =>
    cli.child.once('exit', (code) => {
      clearInterval(watchdog);
      resolve({ exitCode: code, stalled, ms: performance.now() - started, cycles });
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
