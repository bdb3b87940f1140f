import { randomBytes } from 'node:crypto';
import type { Bus, Subscription } from '@ats/bus';
import { BusReplyError } from '@ats/bus';
import {
  type Clock,
  namespacedSubject,
  type PaperRunRequest,
  QueueGroups,
  RequestReplyContracts,
} from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import type { LlmBudget, TeamReasoners } from '@ats/llm';
import { type MarketDataPort, MissingMarketDataError, UnknownSymbolError } from '@ats/market-data';
import type { TradingMetrics } from '@ats/metrics';
import type { Logger } from '@ats/observability';
import type { TradingStore } from '@ats/trading-state';
import type { AgentPlacement } from './agents';
import { paperRunLlm } from './llm-budget';
import { type PaperCosts, runReplay } from './replay';
import { degradedSummary } from './report';
import { loadReplayDays } from './trading-days';

/** `paper.run.start` (the API's `POST /v1/paper-runs`): its types are the contract table's. */
export const PaperRunExchange = RequestReplyContracts.paperRunStart;

export interface PaperRunServiceOptions {
  readonly bus: Bus;
  readonly store: TradingStore;
  /** Bars and evidence of the replay, as the service's own cycles read them. */
  readonly marketData: MarketDataPort;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly agents: AgentPlacement;
  readonly reasoners?: TeamReasoners;
  /**
   * The embedded LLM agents' spend limits (LLM__BUDGET_USD_PER_RUN / _PER_DAY; a request's llmBudgetUsd overrides
   * the per-run one), the provider they are billed as, and where the day's earlier spend is read.
   */
  readonly llmBudget?: {
    readonly provider: string;
    readonly limits: LlmBudget;
    readonly prisma?: PrismaClient;
  };
  readonly namespace?: string;
  readonly initialCash: number;
  /** The configured execution costs (configuredPaperCosts); default the paper broker's. */
  readonly costs?: PaperCosts;
  /** Remote agents: how long a cycle waits for NATS to come back (default teamFactory's). */
  readonly busOutageBudgetMs?: number;
  readonly metrics?: TradingMetrics;
  readonly pattern: 'sequential' | 'parallel' | 'hierarchical';
}

export interface PaperRuns {
  /** The run this process is replaying, if any. */
  readonly active: string | undefined;
  /** Stops serving, asks the active run to stop after its current cycle and waits for it. */
  stop(): Promise<void>;
}

/**
 * Serves `paper.run.start` in the orchestrator queue group: checks the request against the stored bars, opens (or
 * resumes) the run and answers at once; the replay then runs in the background exactly as `orchestrator:run
 * --mode=paper` runs it (one cycle core, the paper broker, orders through JetStream into Postgres). One paper run
 * per process: the paper broker's order intake is one durable consumer, and two replays in one process would
 * wait on each other's order sequences.
 */
export async function servePaperRuns(o: PaperRunServiceOptions): Promise<PaperRuns> {
  let active: { runId: string; done: Promise<void> } | undefined;
  // Taken before the first await, so two requests at once cannot both pass the one-run check.
  let admitting = false;
  let stopping = false;
  const subject = namespacedSubject(o.namespace, PaperRunExchange.subject);

  const start = async (request: PaperRunRequest, correlationId: string) => {
    if (stopping) throw new BusReplyError('unavailable', 'the orchestrator is shutting down');
    if (active || admitting)
      throw new BusReplyError(
        'unavailable',
        `paper run ${active?.runId ?? 'being started'} is still running in this orchestrator`,
      );
    admitting = true;
    try {
      return await admit(request, correlationId);
    } finally {
      admitting = false;
    }
  };

  const admit = async (request: PaperRunRequest, correlationId: string) => {
    const runId =
      request.runId ?? `paper-${o.clock.now().toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`;
    // Refused up front (400 / 503 at the API), not as a run that fails in the background.
    const days = await loadReplayDays(o.marketData, request.symbols, request.from, request.to).catch(
      (error: unknown) => {
        // No bars for a symbol anywhere is this request's fault (400 with the reason), not the orchestrator's.
        if (error instanceof MissingMarketDataError || error instanceof UnknownSymbolError)
          throw new BusReplyError('not_found', error.message);
        throw error;
      },
    );
    if (days.replay.length === 0)
      throw new BusReplyError(
        'invalid_request',
        `no bars of ${request.symbols.join(',')} from ${request.from} to ${request.to}`,
      );
    let markOpened: (resumed: boolean) => void = () => {};
    let failOpen: (error: unknown) => void = () => {};
    const opened = new Promise<boolean>((resolve, reject) => {
      markOpened = resolve;
      failOpen = reject;
    });
    const logger = o.logger.child({ runId, correlationId });
    const llm = await runLlmFor(request, days.replay.length);
    if (llm?.estimate)
      logger.info({ llmEstimate: llm.estimate, limits: llm.run.limits }, 'paper run LLM estimate');
    const done = runReplay({
      runId,
      symbols: request.symbols,
      mode: 'paper',
      pattern: request.pattern ?? o.pattern,
      from: request.from,
      to: request.to,
      initialCash: request.initialCash ?? o.initialCash,
      ...o.costs,
      agents: o.agents,
      ...(o.busOutageBudgetMs === undefined ? {} : { busOutageBudgetMs: o.busOutageBudgetMs }),
      ...(llm ? { reasoners: llm.run.reasoners } : {}),
      namespace: o.namespace,
      speed: request.speed ?? 0,
      bus: o.bus,
      store: o.store,
      provider: o.marketData,
      evidence: o.marketData,
      logger,
      metrics: o.metrics,
      onOpened: (resumed) => markOpened(resumed),
      stopRequested: () => stopping,
    }).then(
      (outcome) => {
        const budget = degradedSummary(outcome.reports, 1).llmBudget;
        logger.info(
          {
            cycles: outcome.reports.length,
            skipped: outcome.skipped,
            ...(llm ? { llmSpentUsd: llm.run.ledger.spentUsd } : {}),
            ...(budget ? { llmBudgetReachedAt: budget.reachedAt, rulesOnlyCycles: budget.cycles } : {}),
          },
          'paper run ended',
        );
      },
      async (error: unknown) => {
        failOpen(error);
        logger.error({ err: error }, 'paper run failed');
        await o.store.finishRun(runId, 'failed', o.clock.now()).catch((finishError: unknown) => {
          logger.error({ err: finishError }, 'paper run could not be marked failed');
        });
      },
    );
    active = { runId, done: done.finally(() => (active = undefined)) };
    const resumed = await opened;
    return {
      runId,
      status: resumed ? ('resumed' as const) : ('started' as const),
      acceptedAt: o.clock.now().toISOString(),
      ...(llm?.estimate
        ? {
            llm: {
              estimate: {
                calls: llm.estimate.calls,
                promptTokens: llm.estimate.promptTokens,
                completionTokens: llm.estimate.completionTokens,
                costUsd: llm.estimate.costUsd,
              },
              budgetUsdPerRun: llm.run.limits.perRunUsd ?? null,
              budgetUsdPerDay: llm.run.limits.perDayUsd ?? null,
            },
          }
        : {}),
    };
  };

  /** This run's embedded LLM team under its own ledger (the request's budget over the configured one). */
  const runLlmFor = async (request: PaperRunRequest, cycles: number) => {
    if (!o.reasoners) return undefined;
    const limits: LlmBudget = {
      ...o.llmBudget?.limits,
      ...(request.llmBudgetUsd === undefined ? {} : { perRunUsd: request.llmBudgetUsd }),
    };
    const run = await paperRunLlm(o.reasoners, o.llmBudget?.provider ?? 'llm', limits, {
      ...(o.llmBudget?.prisma ? { prisma: o.llmBudget.prisma } : {}),
      clock: o.clock,
    });
    if (!run) return undefined;
    return { run, estimate: run.estimate(request.symbols.length, cycles) };
  };

  const subscription: Subscription = await o.bus.serve(
    subject,
    PaperRunExchange.request,
    PaperRunExchange.reply,
    (message) => start(message.data, message.correlationId),
    { queue: QueueGroups.orchestrator },
  );
  return {
    get active() {
      return active?.runId;
    },
    async stop() {
      stopping = true;
      await subscription.close();
      await active?.done;
    },
  };
}
