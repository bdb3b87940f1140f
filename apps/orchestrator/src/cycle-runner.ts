import {
  type AgentTeam,
  barCloseTime,
  type CycleOutcome,
  DEFAULT_RISK_CONFIG,
  type DegradedAgent,
  type OrchestrationPattern,
  SymbolFeed,
} from '@ats/agents';
import type { Bus } from '@ats/bus';
import type {
  AgentDecision,
  Fill,
  MarketSnapshot,
  Order,
  PortfolioState,
  Signal,
  TickerSymbol,
} from '@ats/contracts';
import type { CommissionModel } from '@ats/execution';
import { recordPortfolioMark, type TradingMetrics } from '@ats/metrics';
import { type Logger, withCorrelation } from '@ats/observability';
import {
  type OrderChannels,
  type OrderIntake,
  ordersForTargets,
  type PaperBroker,
  publishOrder,
} from '@ats/paper-broker';
import { markBook, type TradingStore } from '@ats/trading-state';
import type { CycleChannels, CycleEventKind } from './channels';
import { type CycleEvent, CycleMessages, type Mode } from './cycle-messages';
import type { TradingDay } from './trading-days';

export interface PaperTrading {
  readonly broker: PaperBroker;
  readonly intake: OrderIntake;
  readonly orders: OrderChannels;
  readonly commission: CommissionModel;
  /** How long a cycle waits for its orders to be recorded by the intake. */
  readonly intakeTimeoutMs: number;
}

export interface CycleRunnerOptions {
  readonly runId: string;
  readonly mode: Mode;
  readonly symbols: readonly TickerSymbol[];
  readonly pattern: OrchestrationPattern;
  /** The team for a pattern (agents embedded or remote proxies). */
  readonly teamFor: (pattern: OrchestrationPattern) => AgentTeam;
  readonly store: TradingStore;
  readonly bus: Bus;
  readonly channels: CycleChannels;
  readonly logger: Logger;
  /** Required in paper mode. */
  readonly paper?: PaperTrading;
  readonly lookback?: number;
  /** Portfolio gauges at each mark, labelled by mode (`paper` or `live`). */
  readonly metrics?: TradingMetrics;
  /** The risk manager's drawdown limit, exported next to the drawdown so alerts follow the setting. */
  readonly drawdownLimit?: number;
}

export interface AgentView {
  readonly signal: Signal;
  readonly confidence: number;
}

/** One symbol's line of a cycle report. */
export interface SymbolRow {
  readonly symbol: TickerSymbol;
  readonly close: number;
  readonly technical?: AgentView;
  readonly sentiment?: AgentView;
  /** The portfolio manager's final action. */
  readonly action?: AgentView;
  readonly targetWeight?: number;
  readonly order?: { readonly side: 'BUY' | 'SELL'; readonly quantity: number };
}

export interface CycleReport {
  readonly kind: Exclude<CycleEventKind, 'started'>;
  readonly runId: string;
  readonly correlationId: string;
  readonly asOf: string;
  /** Open time of the cycle's bar (daily: the trading date). */
  readonly barTs: string;
  readonly mode: Mode;
  readonly pattern: OrchestrationPattern;
  readonly rows: SymbolRow[];
  /** Every agent's decisions of the cycle, with their reasoning (the `cycle.run` reply carries them). */
  readonly decisions: readonly AgentDecision[];
  readonly targets: CycleOutcome['targets'];
  readonly degraded: readonly DegradedAgent[];
  readonly orders: readonly Order[];
  /** Fills booked on this cycle's bar (orders of the previous cycle). */
  readonly fills: readonly Fill[];
  readonly expired: readonly string[];
  readonly rejected: readonly { clientOrderId: string; reason: string }[];
  readonly cash: number;
  readonly equity: number;
  /** Wall time of the whole cycle (fills, team, orders, snapshot) and of the team alone, in ms. */
  readonly latencyMs: number;
  readonly teamMs: number;
}

export interface AdvanceOptions {
  readonly pattern?: OrchestrationPattern;
  /** Default: `<runId>:<asOf>`, the same on a re-run so the cycle's events, orders and rows de-duplicate. */
  readonly correlationId?: string;
}

/** The deterministic correlation id of a run's cycle at a decision time. */
export function cycleCorrelationId(runId: string, asOf: string): string {
  return `${runId}:${asOf.replace(/[-:.]/g, '')}`;
}

/**
 * Runs one run's analysis cycles, one per trading day. Per day: the previous cycle's orders trade on this bar
 * (paper), the bar enters the indicators, the team decides at the bar's close on point-in-time snapshots and the
 * portfolio marked at that close, decisions and a snapshot are stored, and orders go to the paper broker to fill
 * at the next bar. Events `cycle.started` and `cycle.completed|degraded` carry the cycle's correlation id.
 */
export class CycleRunner {
  readonly #o: CycleRunnerOptions;
  readonly #feeds = new Map<TickerSymbol, SymbolFeed>();
  readonly #teams = new Map<OrchestrationPattern, AgentTeam>();
  #equityHistory: number[] = [];

  constructor(options: CycleRunnerOptions) {
    if (options.mode === 'paper' && !options.paper) throw new RangeError('paper mode needs a paper broker');
    this.#o = options;
    for (const symbol of options.symbols) this.#feeds.set(symbol, new SymbolFeed(symbol, options.lookback));
  }

  /** Equity at each completed cycle so far (restored from snapshots on resume): the risk manager's drawdown input. */
  restoreEquityHistory(equities: readonly number[]): void {
    this.#equityHistory = [...equities];
  }

  /** A bar before the replay: indicators only, no cycle. */
  warmUp(day: TradingDay): void {
    for (const [symbol, feed] of this.#feeds) {
      const bar = day.bars.get(symbol);
      if (bar) feed.push(bar);
    }
  }

  async advance(day: TradingDay, options: AdvanceOptions = {}): Promise<CycleReport> {
    const started = performance.now();
    const o = this.#o;
    const pattern = options.pattern ?? o.pattern;
    const symbols = o.symbols.filter((s) => day.bars.has(s));
    const first = day.bars.get(symbols[0] as TickerSymbol);
    if (!first) throw new RangeError(`no bar of ${o.symbols.join(',')} on ${day.ts}`);
    const asOf = barCloseTime(first);
    const correlationId = options.correlationId ?? cycleCorrelationId(o.runId, asOf);
    const log = withCorrelation(o.logger, correlationId);
    const event = (kind: CycleEventKind, extra: Partial<CycleEvent> = {}) =>
      o.bus.publishDurable(
        o.channels.cycleEvent(kind),
        CycleMessages.event,
        { kind, runId: o.runId, correlationId, asOf, mode: o.mode, pattern, symbols, ...extra },
        { messageId: `${correlationId}:${kind}`, correlationId },
      );

    // 1. The previous cycle's orders meet their next bar, in symbol order (the canonical booking order).
    const fills: Fill[] = [];
    const expired: string[] = [];
    const rejected: { clientOrderId: string; reason: string }[] = [];
    if (o.paper) {
      for (const symbol of [...symbols].sort()) {
        const bar = day.bars.get(symbol) as NonNullable<ReturnType<typeof day.bars.get>>;
        const executed = await o.paper.broker.onBar(bar);
        fills.push(...executed.fills);
        expired.push(...executed.expired);
        rejected.push(...executed.rejected);
      }
    }
    // 2. Then the bar is known: indicators move to its close.
    for (const symbol of symbols) this.#feeds.get(symbol)?.push(day.bars.get(symbol) as never);
    await event('started');
    log.debug({ asOf, pattern, fills: fills.length }, 'cycle started');

    // 3. The team decides on what is known at the close.
    const closes = new Map(symbols.map((s) => [s, (day.bars.get(s) as { close: number }).close]));
    const state = await o.store.loadState(o.runId);
    const { state: portfolio } = markBook(state, asOf, (s) => closes.get(s));
    if (o.metrics) this.#recordMark(o.metrics, portfolio);
    const snapshots: MarketSnapshot[] = symbols.map((s) =>
      (this.#feeds.get(s) as SymbolFeed).snapshot({ asOf }),
    );
    const teamStarted = performance.now();
    const outcome: CycleOutcome = await this.#team(pattern).runCycle({
      asOf,
      correlationId,
      snapshots,
      news: [],
      portfolio: { ...portfolio, runId: o.runId },
      equityHistory: [...this.#equityHistory, portfolio.equity],
    });
    const teamMs = performance.now() - teamStarted;
    await o.store.saveDecisions(o.runId, correlationId, outcome.decisions);

    // 4. Paper: targets become orders, recorded by the broker's intake before the next bar.
    let orders: Order[] = [];
    if (o.paper) {
      const sized = ordersForTargets({
        runId: o.runId,
        correlationId,
        asOf,
        targets: outcome.targets,
        portfolio,
        priceOf: (s) => closes.get(s),
        commission: o.paper.commission,
      });
      orders = sized.orders;
      let lastSeq = 0;
      for (const order of orders) {
        const ack = await publishOrder(o.bus, o.paper.orders, order);
        lastSeq = Math.max(lastSeq, ack.seq);
      }
      if (orders.length > 0) await o.paper.intake.waitFor(lastSeq, o.paper.intakeTimeoutMs);
    }

    // 5. The cycle's snapshot (after this bar's fills, before its orders) marks the cycle as done.
    await o.store.saveSnapshot({ runId: o.runId, correlationId, state: portfolio });
    this.#equityHistory.push(portfolio.equity);
    const kind = outcome.degraded.length > 0 ? 'degraded' : 'completed';
    const latencyMs = performance.now() - started;
    await event(kind, {
      latencyMs,
      degraded: outcome.degraded,
      decisions: outcome.decisions,
      targets: outcome.targets.map(({ symbol, targetWeight, score }) => ({ symbol, targetWeight, score })),
      orders: orders.map(({ clientOrderId, symbol, side, quantity }) => ({
        clientOrderId,
        symbol,
        side,
        quantity,
      })),
      portfolio: { cash: portfolio.cash, equity: portfolio.equity },
    });
    if (kind === 'degraded') log.warn({ degraded: outcome.degraded }, 'cycle degraded');
    log.info({ asOf, pattern, orders: orders.length, fills: fills.length, latencyMs }, `cycle ${kind}`);
    return {
      kind,
      runId: o.runId,
      correlationId,
      asOf,
      barTs: day.ts,
      mode: o.mode,
      pattern,
      rows: rowsOf(symbols, closes, outcome, orders),
      decisions: outcome.decisions,
      targets: outcome.targets,
      degraded: outcome.degraded,
      orders,
      fills,
      expired,
      rejected,
      cash: portfolio.cash,
      equity: portfolio.equity,
      latencyMs,
      teamMs,
    };
  }

  /** The mark the team decides on: equity at the close, its high-water mark over the run, each side's value. */
  #recordMark(metrics: TradingMetrics, portfolio: PortfolioState): void {
    let longMarketValue = 0;
    let shortMarketValue = 0;
    for (const p of portfolio.positions) {
      const value = p.quantity * (p.marketPrice ?? p.averagePrice);
      if (value >= 0) longMarketValue += value;
      else shortMarketValue += value;
    }
    recordPortfolioMark(metrics, this.#o.mode, {
      equity: portfolio.equity,
      peakEquity: Math.max(portfolio.equity, ...this.#equityHistory),
      longMarketValue,
      shortMarketValue,
      drawdownLimit: this.#o.drawdownLimit ?? DEFAULT_RISK_CONFIG.drawdownLimit,
    });
  }

  #team(pattern: OrchestrationPattern): AgentTeam {
    let team = this.#teams.get(pattern);
    if (!team) {
      team = this.#o.teamFor(pattern);
      this.#teams.set(pattern, team);
    }
    return team;
  }
}

function rowsOf(
  symbols: readonly TickerSymbol[],
  closes: ReadonlyMap<TickerSymbol, number>,
  outcome: CycleOutcome,
  orders: readonly Order[],
): SymbolRow[] {
  const view = (d: AgentDecision | undefined): AgentView | undefined =>
    d ? { signal: d.signal, confidence: d.confidence } : undefined;
  return symbols.map((symbol) => {
    const of = (agent: string) => outcome.decisions.find((d) => d.symbol === symbol && d.agent === agent);
    const order = orders.find((x) => x.symbol === symbol);
    const target = outcome.targets.find((t) => t.symbol === symbol);
    const row: SymbolRow = {
      symbol,
      close: closes.get(symbol) as number,
      technical: view(of('technical')),
      sentiment: view(of('sentiment')),
      action: view(of('portfolio')),
      targetWeight: target?.targetWeight,
      order: order ? { side: order.side, quantity: order.quantity } : undefined,
    };
    return row;
  });
}
