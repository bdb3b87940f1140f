/**
 * The orchestrator killed (SIGKILL) at its dangerous instants and resumed with the same run id, each time: the book
 * must equal an uninterrupted run's (run once, shared) at every date. Kill points, one per attempt:
 * - after a cycle's orders are published, before the intake records them (CHAOS_PUBLISH_KILLS times);
 * - after the first fill of a bar is committed, before its event and the bar's other fills (a bar with two fills
 *   or more, so it is half booked);
 * - with the cycle's snapshot (its commit) issued and not acknowledged: the write is lost;
 * - right after the snapshot is stored, before the cycle's completion event: the write is kept.
 * An insert in flight at a kill either reached Postgres or did not; the two snapshot kills are those two outcomes.
 */
import type { NatsBus } from '@ats/bus';
import type { PrismaClient } from '@ats/db';
import type { RunningStack } from '@ats/tool-stack';
import { type BookDay, PrismaTradingStore, runTimeline } from '@ats/trading-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookDifferences,
  checkRunLedger,
  type KillAt,
  type KillPoint,
  type PaperAttempt,
  type PaperRunSpec,
  publishKillDates,
  runPaperToCompletion,
  runPaperWithKills,
  runPaperWithPublishKills,
} from '../paper-run';
import { type ChaosWorld, startChaosWorld } from './chaos-world';

const KILLS = Number(process.env.CHAOS_PUBLISH_KILLS ?? 3);
/** The acceptance bound on a resume: the re-run cycle waits for the dead process's orders no longer than this. */
const RESUME_STALL_BUDGET_MS = 5_000;
/**
 * Headroom over that bound when asserting it, as chaos.test.ts: two cores shared with every other project. The
 * measured figure is reported either way; the old 30 s redelivery still fails.
 */
const LOAD_MARGIN_MS = 10_000;
const INITIAL_CASH = 100_000;
/** Deadlines (two busy cores; the first attempt may build the CLI's bundle), not measurements. */
const SETUP_DEADLINE_MS = 300_000;
const RUN_DEADLINE_MS = 240_000 + KILLS * 90_000;
/** Fill and snapshot kills start after a few cycles: the run holds positions by then. */
const FIRST_KILL_AFTER_CYCLE = 3;
/** The fill and snapshot kill points in replay order (each on a later date than the one before): one of each. */
const FILL_SNAPSHOT_PLAN: readonly KillPoint[] = ['afterFill', 'midSnapshot', 'afterSnapshot'];
const FILL_SNAPSHOT_DEADLINE_MS = 240_000 + FILL_SNAPSHOT_PLAN.length * 90_000;
const report = (text: string) => console.log(`chaos | ${text}`);

let world: ChaosWorld;
let stack: RunningStack;
let admin: NatsBus;
let prisma: PrismaClient;

beforeAll(async () => {
  world = await startChaosWorld({
    processes: [],
    logLevel: 'error',
    onLine: (name, line) => {
      if (!line.startsWith('{')) report(`${name}: ${line.slice(0, 300)}`);
    },
  });
  ({ stack, admin, prisma } = world);
}, SETUP_DEADLINE_MS);

afterAll(async () => {
  await world?.stop();
});

function spec(name: string): PaperRunSpec {
  return {
    runId: `chaos_${name}_${Date.now()}`,
    symbols: ['AAPL', 'MSFT', 'NVDA'],
    from: '2023-01-03',
    to: '2023-03-31',
    speed: 0,
    agents: 'embedded',
  };
}

let reference:
  | Promise<{ run: PaperRunSpec; first: PaperAttempt | undefined; timeline: BookDay[] }>
  | undefined;
/** The replay with no fault, run once: every kill's book is compared with it. */
function uninterruptedRun() {
  reference ??= (async () => {
    const run = spec('uninterrupted');
    const [first] = await runPaperToCompletion(stack, run, 1);
    return { run, first, timeline: await runTimeline(new PrismaTradingStore(prisma), run.runId) };
  })();
  return reference;
}

describe('orchestrator killed after publish, before record', () => {
  it(
    `${KILLS} kills in one replay, each resumed: the book equals the uninterrupted run at every date`,
    async () => {
      const store = new PrismaTradingStore(prisma);
      const { run: uninterrupted, first, timeline } = await uninterruptedRun();
      const killDates = publishKillDates(timeline, KILLS);

      const killed = spec('publish_kill');
      const run = await runPaperWithPublishKills(stack, killed, killDates);
      const differences = await bookDifferences(store, uninterrupted.runId, killed.runId);
      const counts = await checkRunLedger(admin, store, killed.runId, INITIAL_CASH);
      const stalls = run.resumeStallMs.map((ms) => Math.round(ms));
      const rerun = run.rerunCycleMs.map((ms) => Math.round(ms));
      report(
        `publish kills: ${KILLS} at ${killDates.join(', ')}; resume stall (re-run cycle's wait for the dead ` +
          `process's orders) ms ${stalls.join(' ')} (max ${Math.max(...stalls)}); re-run cycle wall ms ` +
          `${rerun.join(' ')}; first cycle of the uninterrupted run ${Math.round(first?.cycleLatencyMs[0] ?? -1)} ms; ` +
          `${differences.length} dates differ from the uninterrupted run; ${JSON.stringify(counts)}`,
      );
      expect(differences).toEqual([]);
      expect(run.attempts).toHaveLength(KILLS + 1);
      // A deadline on the recovery protocol (redelivery after the intake's 2 s ack wait), not a benchmark.
      expect(Math.max(...run.resumeStallMs)).toBeLessThan(RESUME_STALL_BUDGET_MS + LOAD_MARGIN_MS);
    },
    RUN_DEADLINE_MS,
  );
});

/**
 * The dates of the plan, from the uninterrupted run: a fill kill on a bar with two fills or more (one if no bar
 * has two), a snapshot kill on a cycle that placed orders; each after the one before.
 */
function killPlan(timeline: readonly BookDay[]): KillAt[] {
  const cycles = timeline.filter((d) => d.cash !== undefined);
  const earliest = cycles[FIRST_KILL_AFTER_CYCLE]?.date as string;
  const kills: KillAt[] = [];
  let after = earliest;
  for (const point of FILL_SNAPSHOT_PLAN) {
    const later = timeline.filter((d) => d.date > after);
    const day =
      point === 'afterFill'
        ? (later.find((d) => d.fills.length >= 2) ?? later.find((d) => d.fills.length >= 1))
        : later.find((d) => d.orders.length > 0 && d.cash !== undefined);
    if (!day) throw new RangeError(`no date for ${point} after ${after}`);
    kills.push({ point, date: day.date });
    after = day.date;
  }
  return kills;
}

describe('orchestrator killed mid-fill and mid-snapshot', () => {
  it(
    'each kill resumed: the book equals the uninterrupted run at every date',
    async () => {
      const store = new PrismaTradingStore(prisma);
      const { run: uninterrupted, timeline: reference } = await uninterruptedRun();
      const kills = killPlan(reference);

      const killed = spec('fill_snapshot_kill');
      // What each kill left in Postgres: the proof that it struck where it was aimed.
      const left: string[] = [];
      const run = await runPaperWithKills(stack, killed, kills, async (kill) => {
        const day = (await runTimeline(store, killed.runId)).find((d) => d.date === kill.date);
        const expected = reference.find((d) => d.date === kill.date);
        left.push(
          kill.point === 'afterFill'
            ? `${kill.point} ${kill.date}: ${day?.fills.length ?? 0} of ${expected?.fills.length} fills booked`
            : `${kill.point} ${kill.date}: snapshot ${day?.cash === undefined ? 'absent' : 'stored'}, ` +
                `${day?.orders.length ?? 0} of ${expected?.orders.length} orders recorded`,
        );
      });
      const differences = await bookDifferences(store, uninterrupted.runId, killed.runId);
      const counts = await checkRunLedger(admin, store, killed.runId, INITIAL_CASH);
      report(`fill/snapshot kills: ${left.join('; ')}`);
      report(
        `fill/snapshot kills: ${run.attempts.length} attempts; re-run cycle wall ms ` +
          `${run.rerunCycleMs.map((ms) => Math.round(ms)).join(' ')}; ${differences.length} dates differ from the ` +
          `uninterrupted run (${reference.length} dates); ${JSON.stringify(counts)}`,
      );
      for (const difference of differences.slice(0, 5))
        report(`fill/snapshot kills: ${difference.slice(0, 600)}`);
      expect(run.attempts).toHaveLength(kills.length + 1);
      // Each kill struck mid-way: a bar with some but not all of its fills, a cycle without / with its snapshot.
      for (const [i, kill] of kills.entries()) {
        const note = left[i] as string;
        if (kill.point === 'afterFill') expect(note).toMatch(/: 1 of \d+ fills booked/);
        if (kill.point === 'midSnapshot') expect(note).toContain('snapshot absent');
        if (kill.point === 'afterSnapshot') expect(note).toContain('snapshot stored');
      }
      expect(differences).toEqual([]);
    },
    FILL_SNAPSHOT_DEADLINE_MS,
  );
});
