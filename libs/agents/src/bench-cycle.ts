/**
 * Throughput of the offline multi-agent cycle over the real 7-symbol universe, as the backtester drives it:
 * per trading day push each symbol's bar into its SymbolFeed, build the snapshots, run one team cycle.
 * Usage: npx tsx libs/agents/src/bench-cycle.ts [pattern]   → prints JSON.
 */
import type { Bar, MarketSnapshot } from '@ats/contracts';
import { SymbolFeed } from './snapshot';
import { createAgentTeam } from './team';
import { loadBars, UNIVERSE } from './testing/market-fixtures';
import type { OrchestrationPattern } from './types';

const WARM_UP_BARS = 260;
const pattern = (process.argv[2] ?? 'sequential') as OrchestrationPattern;
const bars = new Map<string, Bar[]>(UNIVERSE.map((s) => [s, loadBars(s)]));
const days = (bars.get('AAPL') as Bar[]).length;

async function run(): Promise<{
  cycles: number;
  snapshotMs: number;
  cycleMs: number;
  totalMs: number;
  cpuMs: number;
}> {
  const feeds = UNIVERSE.map((s) => new SymbolFeed(s));
  const team = createAgentTeam({ pattern });
  let snapshotMs = 0;
  let cycleMs = 0;
  let cycles = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let day = 0; day < days; day++) {
    const ta = performance.now();
    for (let i = 0; i < feeds.length; i++)
      (feeds[i] as SymbolFeed).push((bars.get(UNIVERSE[i] as string) as Bar[])[day] as Bar);
    if (day < WARM_UP_BARS) continue;
    const snapshots: MarketSnapshot[] = feeds.map((f) => f.snapshot());
    const asOf = (snapshots[0] as MarketSnapshot).asOf;
    const tb = performance.now();
    await team.runCycle({
      asOf,
      correlationId: `bench-${day}`,
      snapshots,
      news: [],
      portfolio: { asOf, cash: 100_000, equity: 100_000, positions: [] },
    });
    const tc = performance.now();
    snapshotMs += tb - ta;
    cycleMs += tc - tb;
    cycles++;
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    cycles,
    snapshotMs,
    cycleMs,
    totalMs: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

await run(); // warm the JIT
const r = await run();
const symbolDays = r.cycles * UNIVERSE.length;
process.stdout.write(
  `${JSON.stringify(
    {
      pattern,
      symbols: UNIVERSE.length,
      cycles: r.cycles,
      symbolDays,
      totalMs: Math.round(r.totalMs),
      symbolDaysPerSecond: Math.round(symbolDays / (r.totalMs / 1000)),
      cyclesPerSecond: Math.round(r.cycles / (r.totalMs / 1000)),
      // CPU time of this process: less sensitive than wall time to other load on a shared machine.
      symbolDaysPerCpuSecond: Math.round(symbolDays / (r.cpuMs / 1000)),
      microsPerCycle: {
        snapshotsAndFeed: +((r.snapshotMs * 1000) / r.cycles).toFixed(1),
        agents: +((r.cycleMs * 1000) / r.cycles).toFixed(1),
      },
    },
    null,
    2,
  )}\n`,
);
