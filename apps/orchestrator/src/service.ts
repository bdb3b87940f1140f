import type { OrchestrationPattern } from '@ats/agents';
import type { Bus, Subscription } from '@ats/bus';
import { BusReplyError } from '@ats/bus';
import { type Clock, QueueGroups, type RunCycleResult, type TickerSymbol } from '@ats/contracts';
import type { TeamReasoners } from '@ats/llm';
import type { MarketDataPort } from '@ats/market-data';
import type { TradingMetrics } from '@ats/metrics';
import type { Logger } from '@ats/observability';
import type { TradingStore } from '@ats/trading-state';
import { type AgentPlacement, teamFactory } from './agents';
import { cycleChannels } from './channels';
import { CycleRunExchange } from './cycle-messages';
import { type CycleReport, CycleRunner } from './cycle-runner';
import { type PaperRunServiceOptions, type PaperRuns, servePaperRuns } from './paper-runs';
import { serveCycleReplay } from './replay-cycle';
import { loadReplayDays } from './trading-days';

export interface OrchestratorServiceOptions {
  readonly bus: Bus;
  readonly store: TradingStore;
  /** Bars (and evidence) in-process or through the data gateway. */
  readonly marketData: MarketDataPort;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The live run all on-demand and scheduled cycles belong to. */
  readonly runId: string;
  readonly symbols: readonly TickerSymbol[];
  readonly pattern: OrchestrationPattern;
  readonly agents: AgentPlacement;
  /** Embedded agents' LLM reasoners built by the process (embeddedReasoners: answers cached in Postgres). */
  readonly reasoners?: TeamReasoners;
  /** Spend limits of each paper run's embedded LLM agents (see servePaperRuns). */
  readonly llmBudget?: PaperRunServiceOptions['llmBudget'];
  readonly namespace?: string;
  /** Run a cycle of `symbols` every this many ms (none when absent). */
  readonly intervalMs?: number;
  /** Decide as of this date's data instead of the clock's (the bundled history ends in 2023). */
  readonly asOfDate?: string;
  readonly initialCash: number;
  /** Execution costs of paper runs (configuredPaperCosts); default the paper broker's. */
  readonly paperCosts?: PaperRunServiceOptions['costs'];
  /** Remote agents: how long a cycle waits for NATS to come back (ORCHESTRATOR__BUS_OUTAGE_BUDGET_MS). */
  readonly busOutageBudgetMs?: number;
  /** Portfolio gauges at each mark and failed cycles (`ats_errors_total{component="cycle"}`). */
  readonly metrics?: TradingMetrics;
}

export interface RunningOrchestrator {
  /** One cycle now (what `cycle.run` and the schedule call). */
  runCycle(
    symbols?: readonly TickerSymbol[],
    pattern?: OrchestrationPattern,
    correlationId?: string,
  ): Promise<CycleReport>;
  /** Paper runs started through `paper.run.start` (the API's `POST /v1/paper-runs`). */
  readonly paperRuns: PaperRuns;
  stop(): Promise<void>;
}

/** Days of history before the decision date loaded for each on-demand cycle (indicator warm-up). */
const LIVE_HISTORY_DAYS = 400;

/**
 * The orchestrator as a service (mode `live`: decisions only): serves `cycle.run` in the orchestrator queue group
 * and, when asked, runs cycles on an interval. Each cycle decides on the latest bars at or before the decision
 * date; a cycle still running when the next tick comes makes that tick skip, so cycles never pile up.
 */
export async function startOrchestratorService(o: OrchestratorServiceOptions): Promise<RunningOrchestrator> {
  const channels = cycleChannels(o.namespace);
  await o.bus.ensureTopology({ streams: [channels.stream] });
  await o.store.openRun({
    runId: o.runId,
    kind: 'live',
    initialCash: o.initialCash,
    config: { symbols: [...o.symbols], mode: 'live', pattern: o.pattern },
    startedAt: o.clock.now(),
  });
  const teamFor = teamFactory({
    placement: o.agents,
    bus: o.bus,
    namespace: o.namespace,
    ...(o.reasoners ? { reasoners: o.reasoners } : {}),
    ...(o.busOutageBudgetMs === undefined ? {} : { busOutageBudgetMs: o.busOutageBudgetMs }),
    logger: o.logger,
  });

  const runCycle = (
    symbols: readonly TickerSymbol[] = o.symbols,
    pattern: OrchestrationPattern = o.pattern,
    correlationId?: string,
  ): Promise<CycleReport> =>
    runOneCycle(symbols, pattern, correlationId).catch((error: unknown) => {
      o.metrics?.errors.inc({ component: 'cycle', kind: error instanceof Error ? error.name : 'Error' });
      throw error;
    });

  const runOneCycle = async (
    symbols: readonly TickerSymbol[],
    pattern: OrchestrationPattern,
    correlationId?: string,
  ): Promise<CycleReport> => {
    const to = o.asOfDate ?? o.clock.now().toISOString().slice(0, 10);
    const from = new Date(Date.parse(to) - 10 * 86_400_000).toISOString().slice(0, 10);
    const days = await loadReplayDays(o.marketData, symbols, from, to, LIVE_HISTORY_DAYS);
    const all = [...days.warmup, ...days.replay];
    const last = all.pop();
    if (!last) throw new BusReplyError('unavailable', `no bars of ${symbols.join(',')} up to ${to}`);
    const runner = new CycleRunner({
      runId: o.runId,
      mode: 'live',
      symbols,
      pattern,
      teamFor,
      store: o.store,
      bus: o.bus,
      channels,
      logger: o.logger,
      metrics: o.metrics,
      // The sentiment evidence at the decision time, from the same port as the bars.
      evidence: o.marketData,
    });
    for (const day of all) runner.warmUp(day);
    return runner.advance(last, correlationId ? { pattern, correlationId } : { pattern });
  };

  const subscriptions: Subscription[] = [
    await o.bus.serve(
      channels.cycleRequest,
      CycleRunExchange.request,
      CycleRunExchange.reply,
      async (message) =>
        cycleResultOf(await runCycle(message.data.symbols, message.data.pattern, message.correlationId)),
      { queue: QueueGroups.orchestrator },
    ),
    await serveCycleReplay(o.bus, o.namespace),
  ];
  const paperRuns = await servePaperRuns({
    bus: o.bus,
    store: o.store,
    marketData: o.marketData,
    logger: o.logger,
    clock: o.clock,
    agents: o.agents,
    ...(o.reasoners ? { reasoners: o.reasoners } : {}),
    ...(o.llmBudget ? { llmBudget: o.llmBudget } : {}),
    namespace: o.namespace,
    initialCash: o.initialCash,
    ...(o.paperCosts ? { costs: o.paperCosts } : {}),
    ...(o.busOutageBudgetMs === undefined ? {} : { busOutageBudgetMs: o.busOutageBudgetMs }),
    metrics: o.metrics,
    pattern: o.pattern,
  });
  let inFlight = false;
  const timer =
    o.intervalMs === undefined
      ? undefined
      : setInterval(() => {
          if (inFlight) {
            o.logger.warn('previous scheduled cycle still running; tick skipped');
            return;
          }
          inFlight = true;
          // Each tick is its own cycle, even when the latest bar has not changed since the last one.
          runCycle(o.symbols, o.pattern, `${o.runId}:${o.clock.now().toISOString()}`)
            .catch((error: unknown) => o.logger.error({ err: error }, 'scheduled cycle failed'))
            .finally(() => {
              inFlight = false;
            });
        }, o.intervalMs);
  o.logger.info({ subject: channels.cycleRequest, intervalMs: o.intervalMs }, 'orchestrator serving');
  return {
    runCycle,
    paperRuns,
    async stop() {
      if (timer) clearInterval(timer);
      await Promise.all([...subscriptions.map((s) => s.close()), paperRuns.stop()]);
    },
  };
}

/** The `cycle.run` reply: what the cycle concluded, every agent's decision with its reasoning. */
export function cycleResultOf(report: CycleReport): RunCycleResult {
  return {
    runId: report.runId,
    correlationId: report.correlationId,
    asOf: report.asOf,
    status: report.kind,
    decisions: [...report.decisions],
    degraded: [...report.degraded],
    targets: report.targets.map(({ symbol, targetWeight, score }) => ({ symbol, targetWeight, score })),
  };
}
