/**
 * A NATS outage of ten seconds in the middle of a paper run with remote agents, on the local stack (its own
 * nats-server with per-service users, never the machine's NATS on 4222; a private Postgres cluster). The server
 * is stopped at the instant a cycle asks its first agent, on a date the uninterrupted run trades, so the rest of
 * that cycle's team meets the outage. The orchestrator must wait for the bus and ask its agents again: no cycle
 * runs degraded, the process never exits, and the book equals the uninterrupted run's at every date.
 */
import { Headers, Subjects } from '@ats/contracts';
import { parseStackArgs, planStack, type RunningStack } from '@ats/tool-stack';
import { PrismaTradingStore, runTimeline } from '@ats/trading-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookDifferences, checkRunLedger, type PaperRunSpec, runPaperAttempt } from '../paper-run';
import { type ChaosWorld, REPO_ROOT, startChaosWorld } from './chaos-world';

const OUTAGE_MS = 10_000;
/** The outage meets a cycle from this one on (the run is warm by then). */
const OUTAGE_NOT_BEFORE_CYCLE = 10;
/**
 * Agents' budget in both runs: long enough that two busy cores do not degrade the uninterrupted run, still
 * shorter than the outage, so a cycle that did not wait for the bus would run without its agents.
 */
const AGENT_TIMEOUT_MS = 5_000;
const INITIAL_CASH = 100_000;
/** Trading days from 2023-01-03 to 2023-02-28 on the NYSE calendar: one cycle and one snapshot each. */
const REPLAY_CYCLES = 39;
const lines: string[] = [];
const report = (text: string) => console.log(`chaos | ${text}`);

/** Deadlines (tsx compiling every app on two busy cores), not measurements. */
const SETUP_DEADLINE_MS = 300_000;
const RUN_DEADLINE_MS = 600_000;

let world: ChaosWorld;
let stack: RunningStack;

beforeAll(async () => {
  world = await startChaosWorld({
    processes: planStack(REPO_ROOT, parseStackArgs(['--skip', 'api-gateway,orchestrator'])).processes,
    logLevel: 'warn',
    onLine: (name, line) => lines.push(`${name} | ${line}`),
  });
  ({ stack } = world);
}, SETUP_DEADLINE_MS);

afterAll(async () => {
  await world?.stop();
});

function spec(name: string): PaperRunSpec {
  return {
    runId: `chaos_${name}_${Date.now()}`,
    symbols: ['AAPL', 'MSFT', 'NVDA'],
    from: '2023-01-03',
    to: '2023-02-28',
    speed: 0,
    agents: 'remote',
    agentTimeoutMs: AGENT_TIMEOUT_MS,
    // The outage cycle prints nothing for the outage and the reconnects: not a stall.
    stallKillMs: OUTAGE_MS + 60_000,
  };
}

/** The trading date of a cycle from its correlation id (`<runId>:<asOf without - : .>`, asOf = the bar's close). */
function cycleDateOf(correlationId: string): string | undefined {
  const m = /(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(correlationId);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms] = m.map(Number) as number[];
  const close = Date.UTC(y as number, (mo as number) - 1, d, h, mi, s, ms);
  return new Date(close - 1).toISOString().slice(0, 10);
}

/** What one run's CLI printed (stdout and stderr). */
const linesOf = (run: PaperRunSpec) => lines.filter((l) => l.startsWith(`paper-${run.runId} |`));

/** The orchestrator's JSON log lines with this message. */
function logged(runLines: readonly string[], message: string): Record<string, unknown>[] {
  return runLines.flatMap((line) => {
    const json = line.slice(line.indexOf('| ') + 2);
    if (!json.startsWith('{') || !json.includes(message)) return [];
    const entry = JSON.parse(json) as Record<string, unknown>;
    return entry.msg === message ? [entry] : [];
  });
}

describe('NATS outage during a paper run', () => {
  it(
    'NATS down for 10 s while a cycle asks its agents: the cycle waits, never degrades, and the book equals the uninterrupted run',
    async () => {
      const store = new PrismaTradingStore(world.prisma);
      const uninterrupted = spec('outage_reference');
      const reference = await runPaperAttempt(stack, uninterrupted, `paper-${uninterrupted.runId}`);
      expect(reference.exitCode, linesOf(uninterrupted).slice(-30).join('\n')).toBe(0);
      const timeline = await runTimeline(store, uninterrupted.runId);
      const cycleDates = timeline.filter((d) => d.cash !== undefined).map((d) => d.date);
      const outageDate = timeline.find(
        (d) => d.orders.length > 0 && d.date >= (cycleDates[OUTAGE_NOT_BEFORE_CYCLE - 1] as string),
      )?.date;
      expect(outageDate, 'a trading date with orders to break').toBeDefined();

      // The operators' user sees every request: the first agent asked in the outage date's cycle stops the server.
      const outageRun = spec('outage');
      let outage: Promise<number> | undefined;
      const watcher = world.admin.connection.subscribe(Subjects.analyze('technical'), {
        callback: (_err, message) => {
          const correlationId = message.headers?.get(Headers.correlationId) ?? '';
          if (outage || !correlationId.startsWith(`${outageRun.runId}:`)) return;
          if (cycleDateOf(correlationId) !== outageDate) return;
          outage = (async () => {
            const down = performance.now();
            await stack.nats.restart(OUTAGE_MS);
            return performance.now() - down;
          })();
        },
      });
      await world.admin.connection.flush();
      const attempt = await runPaperAttempt(stack, outageRun, `paper-${outageRun.runId}`);
      watcher.unsubscribe();
      const runLines = linesOf(outageRun);
      expect(attempt.exitCode, runLines.slice(-30).join('\n')).toBe(0);
      expect(outage, `the outage started on ${outageDate}`).toBeDefined();
      const downMs = await (outage as Promise<number>);

      const waits = logged(
        runLines,
        'NATS connection down during the cycle: waiting for it, then asking the agents again',
      );
      const resumed = logged(runLines, 'NATS back: the cycle asked its agents again');
      const differences = await bookDifferences(store, uninterrupted.runId, outageRun.runId);
      const counts = await checkRunLedger(world.admin, store, outageRun.runId, INITIAL_CASH);
      const outageIndex = cycleDates.indexOf(outageDate as string);
      report(
        `outage: NATS down ${Math.round(downMs)} ms (stop, ${OUTAGE_MS} ms, start) from the first agent request ` +
          `of the ${outageDate} cycle; one attempt, exit ${attempt.exitCode}; ${attempt.cycles} cycles`,
      );
      report(
        `outage: team runs discarded while NATS was down ${waits.length}, cycle waited ms ` +
          `${resumed.map((r) => r.waitedMs).join(' ')}; that cycle's wall ms ` +
          `${Math.round(attempt.cycleLatencyMs[outageIndex] ?? -1)}; degraded cycles: outage run ` +
          `${attempt.degradedCycles.length}, uninterrupted ${reference.degradedCycles.length}`,
      );
      report(
        `outage: ${differences.length} dates differ from the uninterrupted run ` +
          `(${timeline.length} dates); ${JSON.stringify(counts)}`,
      );
      for (const difference of differences.slice(0, 5)) report(`outage: ${difference.slice(0, 600)}`);
      expect(reference.degradedCycles, 'the uninterrupted run is the reference: no agent missing').toEqual(
        [],
      );
      expect(attempt.degradedCycles, 'no cycle ran without its agents').toEqual([]);
      expect(differences).toEqual([]);
      expect(waits.length).toBeGreaterThan(0);
      expect(counts.snapshots).toBe(REPLAY_CYCLES);
      expect(counts.fills).toBe(counts.filledOrders);
    },
    RUN_DEADLINE_MS,
  );
});
