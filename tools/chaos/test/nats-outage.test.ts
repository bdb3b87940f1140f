/**
 * A NATS outage of ten seconds in the middle of a paper run, on the local stack (its own nats-server with
 * per-service users, never the machine's NATS on 4222; a private Postgres cluster): the orchestrator process rides through it — it never
 * exits, the run completes in one attempt — and no order or fill is lost or doubled.
 */
import { resolve } from 'node:path';
import type { NatsBus } from '@ats/bus';
import type { PrismaClient } from '@ats/db';
import { parseStackArgs, planStack, type RunningStack } from '@ats/tool-stack';
import { PrismaTradingStore } from '@ats/trading-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRunLedger, ORCHESTRATOR_CLI } from '../paper-run';
import { type ChaosWorld, REPO_ROOT, startChaosWorld } from './chaos-world';

const OUTAGE_MS = 10_000;
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
let admin: NatsBus;
let prisma: PrismaClient;

beforeAll(async () => {
  world = await startChaosWorld({
    processes: planStack(REPO_ROOT, parseStackArgs(['--skip', 'api-gateway,orchestrator'])).processes,
    logLevel: 'warn',
    onLine: (name, line) => lines.push(`${name} | ${line}`),
  });
  ({ stack, admin, prisma } = world);
}, SETUP_DEADLINE_MS);

afterAll(async () => {
  await world?.stop();
});

describe('NATS outage during a paper run', () => {
  it(
    'NATS down for 10 s: the orchestrator never exits, the run completes, orders = fills = Postgres = JetStream',
    async () => {
      const runId = `chaos_outage_${Date.now()}`;
      const cli = stack.spawnProcess('paper', 'orchestrator', resolve(REPO_ROOT, ORCHESTRATOR_CLI), [
        '--symbols=AAPL,MSFT,NVDA',
        '--replay-from=2023-01-03',
        '--replay-to=2023-02-28',
        '--mode=paper',
        '--agents=remote',
        '--agent-timeout-ms=2000',
        '--speed=10',
        `--run-id=${runId}`,
        '--json',
      ]);
      let cycles = 0;
      let outage: Promise<number> | undefined;
      cli.child.stdout?.on('data', (chunk: Buffer) => {
        for (const line of String(chunk).split('\n')) {
          if (!line.startsWith('{') || line.includes('"summary"')) continue;
          cycles++;
          if (cycles === 10 && !outage)
            outage = (async () => {
              const down = performance.now();
              await stack.nats.restart(OUTAGE_MS);
              return performance.now() - down;
            })();
        }
      });
      const exitCode = await new Promise<number | null>((done) =>
        cli.child.once('exit', (code) => done(code)),
      );
      const paperLines = lines.filter((l) => l.startsWith('paper |') && !l.includes('| {'));
      expect(exitCode, paperLines.slice(-30).join('\n')).toBe(0);
      expect(outage, 'the outage started').toBeDefined();
      const downMs = await (outage as Promise<number>);

      // The outage met cycles in flight: the orchestrator's durable publishes waited for NATS instead of failing.
      const waits = lines.filter((l) => l.startsWith('paper |') && l.includes('waits for NATS to come back'));
      expect(waits.length, paperLines.slice(-30).join('\n')).toBeGreaterThan(0);

      const counts = await checkRunLedger(admin, new PrismaTradingStore(prisma), runId, INITIAL_CASH);
      report(
        `outage: NATS down ${Math.round(downMs)} ms (stop, ${OUTAGE_MS} ms, start); one attempt, exit 0`,
      );
      report(`outage: ${JSON.stringify(counts)}; durable publishes that waited: ${waits.length}`);
      expect(counts.snapshots).toBe(REPLAY_CYCLES);
      expect(counts.fills).toBe(counts.filledOrders);
      expect(counts.streamSubmits).toBe(counts.orders);
      expect(counts.streamFills).toBe(counts.fills);
    },
    RUN_DEADLINE_MS,
  );
});
