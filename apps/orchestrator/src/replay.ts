import type { OrchestrationPattern } from '@ats/agents';
import {
  basisPointCosts,
  type CommissionConfig,
  commissionModelOf,
  DEFAULT_COMMISSION,
  DEFAULT_SLIPPAGE,
  type SlippageConfig,
  slippageModelOf,
} from '@ats/backtest';
import type { Bus } from '@ats/bus';
import { type AppConfig, configuredTrading, type EnvKey } from '@ats/config';
import type { AgentName, Fill, Order, TickerSymbol } from '@ats/contracts';
import type { EvidencePort } from '@ats/cycle';
import type { TeamReasoners } from '@ats/llm';
import { type MarketDataProvider, MissingMarketDataError } from '@ats/market-data';
import type { TradingMetrics } from '@ats/metrics';
import type { Logger } from '@ats/observability';
import {
  DEFAULT_INTAKE_ACK_WAIT_MS,
  fillEvents,
  type OrderIntake,
  orderChannels,
  PaperBroker,
  republishFills,
  startOrderIntake,
} from '@ats/paper-broker';
import type { TradingStore } from '@ats/trading-state';
import { type AgentPlacement, teamFactory } from './agents';
import { cycleChannels } from './channels';
import type { Mode } from './cycle-messages';
import { type CycleReport, CycleRunner, type PaperTrading } from './cycle-runner';
import { loadReplayDays, type TradingDay } from './trading-days';

export interface ReplaySettings {
  readonly symbols: readonly TickerSymbol[];
  readonly mode: Mode;
  readonly pattern: OrchestrationPattern;
  /** Replay window, `YYYY-MM-DD`, inclusive. */
  readonly from: string;
  readonly to: string;
  readonly initialCash: number;
  /** Execution costs, as the backtester's config (default DEFAULT_COMMISSION and DEFAULT_SLIPPAGE). */
  readonly commission?: CommissionConfig;
  readonly slippage?: SlippageConfig;
}

/** A paper run's execution costs; an absent one trades at the default (DEFAULT_COMMISSION, DEFAULT_SLIPPAGE). */
export type PaperCosts = Pick<ReplaySettings, 'commission' | 'slippage'>;

/**
 * The costs the user configured (TRADING__COMMISSION_BPS, TRADING__SLIPPAGE_BPS), by the backtester's rule: a key
 * that is set trades in basis points, one left unset keeps the default.
 * Wiring: `configuredPaperCosts(config.trading, configuredKeys())`.
 */
export function configuredPaperCosts(
  trading: AppConfig['trading'],
  configured: ReadonlySet<EnvKey>,
): PaperCosts {
  return basisPointCosts(configuredTrading(trading, configured));
}

export interface ReplayOptions extends ReplaySettings {
  readonly runId: string;
  readonly agents: AgentPlacement;
  readonly agentTimeoutMs?: Partial<Record<AgentName, number>>;
  /** Remote agents: how long a cycle waits for NATS to come back before the run fails (teamFactory's default). */
  readonly busOutageBudgetMs?: number;
  /** Embedded agents' LLM reasoners built by the process (embeddedReasoners); default per teamFactory. */
  readonly reasoners?: TeamReasoners;
  readonly namespace?: string;
  /** Replayed trading days per second; 0 = as fast as the cycles run. */
  readonly speed: number;
  readonly bus: Bus;
  readonly store: TradingStore;
  readonly provider: MarketDataProvider;
  /** Point-in-time evidence of the sentiment sources at each decision time (the market-data port); default none. */
  readonly evidence?: EvidencePort;
  readonly logger: Logger;
  readonly intakeTimeoutMs?: number;
  /** Portfolio gauges at each cycle's mark. */
  readonly metrics?: TradingMetrics;
  /** Called after each cycle (printing, progress). */
  readonly onCycle?: (report: CycleReport, index: number, total: number) => void;
  /** Checked between cycles: stop early (Ctrl-C). */
  readonly stopRequested?: () => boolean;
  /** Called once the run row is open (the API answers a paper-run request then): resumed when the id existed. */
  readonly onOpened?: (resumed: boolean) => void;
  /** A cycle's orders are on JetStream, not yet known to be recorded (the chaos check's kill point). */
  readonly onOrdersPublished?: (orders: readonly Order[], day: TradingDay) => void;
  /** A fill is committed, its event not yet published (a chaos kill point). */
  readonly onFillBooked?: (fill: Fill) => void;
  /** A cycle's snapshot is being written / was written (chaos kill points; see CycleRunnerOptions). */
  readonly onSnapshot?: (phase: 'writing' | 'written', day: TradingDay) => void;
}

/** The replay window holds no trading day of the run's symbols: nothing to replay, and the run is marked failed. */
export class EmptyReplayWindowError extends Error {
  constructor(
    readonly symbols: readonly string[],
    readonly from: string,
    readonly to: string,
  ) {
    super(`no bars of ${symbols.join(',')} from ${from} to ${to}: nothing to replay`);
    this.name = 'EmptyReplayWindowError';
  }
}

export interface ReplayOutcome {
  readonly runId: string;
  readonly resumed: boolean;
  readonly settings: ReplaySettings;
  /** Cycles already complete in Postgres when this process started. */
  readonly skipped: number;
  readonly reports: CycleReport[];
}

export const DEFAULT_INTAKE_TIMEOUT_MS = 30_000;

/**
 * Replays stored daily bars through the cycle runner. On a run id that exists, the run's stored settings win and
 * the replay resumes after its last committed cycle (its snapshot): the ledger state is in Postgres, the indicators
 * are rebuilt from the bars, and fills booked by the interrupted cycle have their events published again.
 */
export async function runReplay(options: ReplayOptions): Promise<ReplayOutcome> {
  const { store, bus, logger } = options;
  const opened = await store.openRun({
    runId: options.runId,
    kind: options.mode === 'paper' ? 'paper' : 'live',
    initialCash: options.initialCash,
    config: settingsOf(options) as unknown as Record<string, unknown>,
    startedAt: new Date(),
  });
  options.onOpened?.(opened.resumed);
  const settings = opened.resumed ? storedSettings(opened.run.config, options) : settingsOf(options);
  const channels = cycleChannels(options.namespace);
  await bus.ensureTopology({ streams: [channels.stream] });
  let intake: OrderIntake | undefined;
  let paper: PaperTrading | undefined;
  if (settings.mode === 'paper') {
    const orders = orderChannels(options.namespace);
    const models = {
      commission: commissionModelOf(settings.commission ?? DEFAULT_COMMISSION),
      slippage: slippageModelOf(settings.slippage ?? DEFAULT_SLIPPAGE),
    };
    const sink = fillEvents(bus, orders);
    intake = await startOrderIntake(bus, store, orders, {
      durable: 'paper-broker',
      logger,
      // A crashed process's unacked orders come back within this, before the next bar would need them.
      ackWaitMs: DEFAULT_INTAKE_ACK_WAIT_MS,
    });
    paper = {
      broker: new PaperBroker({
        runId: options.runId,
        store,
        models,
        fills: sink,
        ...(options.onFillBooked ? { onFillBooked: options.onFillBooked } : {}),
      }),
      intake,
      orders,
      commission: models.commission,
      intakeTimeoutMs: options.intakeTimeoutMs ?? DEFAULT_INTAKE_TIMEOUT_MS,
    };
  }
  try {
    const runner = new CycleRunner({
      runId: options.runId,
      mode: settings.mode,
      symbols: settings.symbols,
      pattern: settings.pattern,
      teamFor: teamFactory({
        placement: options.agents,
        bus,
        namespace: options.namespace,
        timeoutMs: options.agentTimeoutMs,
        ...(options.reasoners ? { reasoners: options.reasoners } : {}),
        ...(options.busOutageBudgetMs === undefined ? {} : { busOutageBudgetMs: options.busOutageBudgetMs }),
        logger,
      }),
      store,
      bus,
      channels,
      logger,
      paper,
      metrics: options.metrics,
      ...(options.onOrdersPublished ? { onOrdersPublished: options.onOrdersPublished } : {}),
      ...(options.onSnapshot ? { onSnapshot: options.onSnapshot } : {}),
      ...(options.evidence ? { evidence: options.evidence } : {}),
    });
    // The run row exists from here on: a window the data cannot serve ends it as failed, never 'running'.
    const days = await loadReplayDays(options.provider, settings.symbols, settings.from, settings.to);
    if (days.replay.length === 0)
      throw new EmptyReplayWindowError(settings.symbols, settings.from, settings.to);
    const state = await store.loadState(options.runId);
    const doneUpTo = state.lastSnapshot ? Date.parse(state.lastSnapshot.takenAt) : Number.NEGATIVE_INFINITY;
    // A day whose close is at or before the last snapshot was completed by an earlier process.
    const isDone = (day: TradingDay) => Date.parse(day.ts) + 86_400_000 <= doneUpTo;
    for (const day of days.warmup) runner.warmUp(day);
    const pending: TradingDay[] = [];
    for (const day of days.replay) {
      if (isDone(day)) runner.warmUp(day);
      else pending.push(day);
    }
    const skipped = days.replay.length - pending.length;
    if (opened.resumed) {
      runner.restoreEquityHistory((await store.snapshots(options.runId)).map((s) => s.equity));
      if (paper) {
        const atRisk = (await store.fills(options.runId)).filter((f) => Date.parse(f.filledAt) >= doneUpTo);
        await republishFills(fillEvents(bus, paper.orders), atRisk);
      }
      logger.info({ runId: options.runId, skipped, remaining: pending.length }, 'resuming run from Postgres');
    }
    const reports: CycleReport[] = [];
    const pauseMs = options.speed > 0 ? 1000 / options.speed : 0;
    for (const [index, day] of pending.entries()) {
      if (options.stopRequested?.()) break;
      const report = await runner.advance(day);
      reports.push(report);
      options.onCycle?.(report, skipped + index + 1, days.replay.length);
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    if (reports.length === pending.length) await store.finishRun(options.runId, 'completed', new Date());
    return { runId: options.runId, resumed: opened.resumed, settings, skipped, reports };
  } catch (error) {
    // Nothing a rerun could resume (no data for the window or its symbols): the run is over, and says so.
    if (error instanceof EmptyReplayWindowError || error instanceof MissingMarketDataError)
      await store.finishRun(options.runId, 'failed', new Date());
    throw error;
  } finally {
    await intake?.close();
  }
}

function settingsOf(o: ReplaySettings): ReplaySettings {
  return {
    symbols: [...o.symbols],
    mode: o.mode,
    pattern: o.pattern,
    from: o.from,
    to: o.to,
    initialCash: o.initialCash,
    commission: o.commission ?? DEFAULT_COMMISSION,
    slippage: o.slippage ?? DEFAULT_SLIPPAGE,
  };
}

/** The settings a run was started with; anything missing from an older row falls back to the request. */
function storedSettings(config: Record<string, unknown>, fallback: ReplaySettings): ReplaySettings {
  const c = config as Partial<ReplaySettings>;
  return {
    symbols: Array.isArray(c.symbols) ? c.symbols : fallback.symbols,
    mode: c.mode ?? fallback.mode,
    pattern: c.pattern ?? fallback.pattern,
    from: c.from ?? fallback.from,
    to: c.to ?? fallback.to,
    initialCash: typeof c.initialCash === 'number' ? c.initialCash : fallback.initialCash,
    // Runs stored before costs were settings traded at the defaults.
    commission: c.commission ?? DEFAULT_COMMISSION,
    slippage: c.slippage ?? DEFAULT_SLIPPAGE,
  };
}
