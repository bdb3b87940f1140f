import type { NatsBus } from '@ats/bus';
import type { PrismaClient } from '@ats/db';
import type { RunningStack } from '@ats/tool-stack';
import { PrismaTradingStore, runTimeline } from '@ats/trading-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookDifferences,
  checkRunLedger,
  type PaperRunSpec,
  publishKillDates,
  runPaperToCompletion,
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
/** Deadlines (tsx compiling the CLI on two busy cores, once per attempt), not measurements. */
const SETUP_DEADLINE_MS = 300_000;
const RUN_DEADLINE_MS = 240_000 + KILLS * 90_000;
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

describe('orchestrator killed after publish, before record', () => {
  it(
    `${KILLS} kills in one replay, each resumed: the book equals the uninterrupted run at every date`,
    async () => {
      const store = new PrismaTradingStore(prisma);
      const uninterrupted = spec('uninterrupted');
      const [first] = await runPaperToCompletion(stack, uninterrupted, 1);
      const killDates = publishKillDates(await runTimeline(store, uninterrupted.runId), KILLS);

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
