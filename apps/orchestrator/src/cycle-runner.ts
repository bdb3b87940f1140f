import {
  type AgentTeam,
  barCloseTime,
  DEFAULT_RISK_CONFIG,
  type DegradedAgent,
  type OrchestrationPattern,
  type TargetPosition,
} from '@ats/agents';
import type { Bus } from '@ats/bus';
import type { AgentDecision, Bar, Fill, Order, PortfolioState, Signal, TickerSymbol } from '@ats/contracts';
import { CycleCore, type EvidencePort, type TeamOutcome, type Venue } from '@ats/cycle';
import {
  CASH_ACCOUNT_LIMITS,
  type CommissionModel,
  cashEstimateOf,
  MapSizingBook,
  noCommission,
  type SizingNote,
  SlippageStatistics,
  type TradingLimits,
} from '@ats/execution';
import { recordPortfolioMark, type TradingMetrics } from '@ats/metrics';
import { type Logger, withCorrelation } from '@ats/observability';
import {
  cycleOrders,
  type OrderChannels,
  type OrderIntake,
  type PaperBroker,
  publishOrder,
} from '@ats/paper-broker';
import { markBook, type TradingState, type TradingStore } from '@ats/trading-state';
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
  /** Evidence of the five sentiment sources at each decision time (the team's ctx.evidence); default none. */
  readonly evidence?: EvidencePort;
  /** Pre-trade and fill-time limits of the account (default: a cash account, as the backtest's default). */
  readonly limits?: TradingLimits;
  /**
   * Called once a cycle's orders are on JetStream and before they are known to be recorded: the instant a crash
   * is most dangerous (the chaos check kills the process here).
   */
  readonly onOrdersPublished?: (orders: readonly Order[], day: TradingDay) => void;
  /**
   * Called with the cycle's snapshot (the cycle's commit) issued and not yet acknowledged (`writing`), and once it
   * is stored, before the cycle's completion event (`written`): the chaos check kills the process at each.
   */
  readonly onSnapshot?: (phase: 'writing' | 'written', day: TradingDay) => void;
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
  readonly targets: readonly TargetPosition[];
  readonly degraded: readonly DegradedAgent[];
  readonly orders: readonly Order[];
  /** Fills booked on this cycle's bar (orders of the previous cycle). */
  readonly fills: readonly Fill[];
  readonly expired: readonly string[];
  readonly rejected: readonly { clientOrderId: string; reason: string }[];
  /** Orders this bar filled only in part (the open gapped past the cash or the shares held). */
  readonly resized: readonly { clientOrderId: string; quantity: number; reason: string }[];
  /** What the sizing model skipped, refused or cut at this cycle's close, with reasons. */
  readonly sizingNotes: readonly SizingNote[];
  readonly cash: number;
  readonly equity: number;
  /** Wall time of the whole cycle (fills, team, orders, snapshot) and of the team alone, in ms. */
  readonly latencyMs: number;
  readonly teamMs: number;
  /**
   * Time the cycle waited for the intake to record its orders (ms). After a crash between publish and record, the
   * re-run cycle's wait is the resume's stall: the dead process's orders come back after the intake's ack wait.
   */
  readonly orderWaitMs: number;
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
 * Runs one run's analysis cycles, one per trading day, through the cycle core (@ats/cycle) the backtest engine
 * also drives. Per day: the previous cycle's orders trade on this bar (paper; sells first, as the engine), the bar
 * enters the indicators, the core runs the team at the bar's close on point-in-time snapshots and the portfolio
 * marked at that close, decisions are stored, the core sizes the targets with @ats/execution's model and the paper
 * venue records the orders with the broker to fill at the next bar, and the cycle's snapshot is stored. Events
 * `cycle.started` and `cycle.completed|degraded` carry the cycle's correlation id.
 */
export class CycleRunner {
  readonly #o: CycleRunnerOptions;
  readonly #core: CycleCore;
  readonly #limits: TradingLimits;
  /** Inputs of the volatility and volume slippage models, fed the same bars as the backtest engine's. */
  readonly #statistics: SlippageStatistics;
  readonly #symbolIndex: ReadonlyMap<string, number>;
  readonly #teams = new Map<OrchestrationPattern, AgentTeam>();

  constructor(options: CycleRunnerOptions) {
    if (options.mode === 'paper' && !options.paper) throw new RangeError('paper mode needs a paper broker');
    this.#o = options;
    this.#limits = options.limits ?? CASH_ACCOUNT_LIMITS;
    this.#statistics = new SlippageStatistics(options.symbols.length);
    this.#symbolIndex = new Map(options.symbols.map((s, i) => [s, i]));
    this.#core = new CycleCore({
      symbols: options.symbols,
      ...(options.lookback === undefined ? {} : { lookback: options.lookback }),
      ...(options.evidence ? { evidence: options.evidence } : {}),
    });
  }

  /** Equity at each completed cycle so far (restored from snapshots on resume): the risk manager's drawdown input. */
  restoreEquityHistory(equities: readonly number[]): void {
    this.#core.restoreEquityHistory(equities);
  }

  /** A bar before the replay: indicators only, no cycle. */
  warmUp(day: TradingDay): void {
    for (const symbol of this.#o.symbols) {
      const bar = day.bars.get(symbol);
      if (bar) this.#push(symbol, bar);
    }
  }

  /** A bar becomes known: indicators and slippage statistics move to its close. */
  #push(symbol: TickerSymbol, bar: Bar): void {
    this.#core.push(symbol, bar);
    this.#statistics.update(
      this.#symbolIndex.get(symbol) as number,
      bar.high,
      bar.low,
      bar.close,
      bar.volume,
    );
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

    // 1. The previous cycle's orders meet their next bar: sells first, then by order id (the engine's order),
    //    priced with the slippage statistics of the bars before this one.
    const bars = symbols.map((s) => day.bars.get(s) as Bar);
    const statistics = this.#statistics;
    const executed = o.paper
      ? await o.paper.broker.onBars(bars, (s) => statistics.of(this.#symbolIndex.get(s) as number))
      : { fills: [], expired: [], rejected: [], resized: [] };
    const { fills, expired, rejected, resized } = executed;
    // 2. Then the bar is known: indicators move to its close.
    for (const bar of bars) this.#push(bar.symbol, bar);
    await event('started');
    log.debug({ asOf, pattern, fills: fills.length }, 'cycle started');

    // 3. The core decides on what is known at the close; the account is marked at each symbol's last close.
    const core = this.#core;
    const closes = new Map(symbols.map((s) => [s, core.close(s) as number]));
    // A cycle re-run after a crash may find its own orders recorded already: they are this cycle's output, not
    // pending orders it decides around (the uninterrupted run never saw them at this point).
    const stored = await o.store.loadState(o.runId);
    const state: TradingState = {
      ...stored,
      openOrders: stored.openOrders.filter((s) => Date.parse(s.order.submittedAt) < Date.parse(asOf)),
    };
    const { state: marked } = markBook(state, asOf, (s) => core.close(s));
    const held = new Map(state.positions.map((p) => [p.symbol, p.quantity]));
    const portfolio: PortfolioState = {
      ...marked,
      equity: core.markEquity(state.cash, (s) => held.get(s) ?? 0),
      runId: o.runId,
    };
    if (o.metrics) this.#recordMark(o.metrics, portfolio);
    let teamMs = 0;
    const orders: Order[] = [];
    const waited = { orderWaitMs: 0 };
    const teamStarted = performance.now();
    const result = await core.run({
      asOf,
      correlationId,
      team: this.#team(pattern),
      portfolio,
      venue: this.#venue(state, portfolio.equity, orders, day, waited),
      decided: async (outcome) => {
        teamMs = performance.now() - teamStarted;
        await o.store.saveDecisions(o.runId, correlationId, [...outcome.decisions]);
      },
    });
    const outcome: TeamOutcome = result?.outcome ?? { decisions: [], targets: [], degraded: [] };

    // 5. The cycle's snapshot (after this bar's fills, before its orders) marks the cycle as done.
    const saving = o.store.saveSnapshot({ runId: o.runId, correlationId, state: portfolio });
    o.onSnapshot?.('writing', day);
    await saving;
    o.onSnapshot?.('written', day);
    const kind = outcome.degraded.length > 0 ? 'degraded' : 'completed';
    const latencyMs = performance.now() - started;
    await event(kind, {
      latencyMs,
      degraded: [...outcome.degraded],
      decisions: [...outcome.decisions],
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
      degraded: outcome.degraded,
      decisions: outcome.decisions,
      targets: outcome.targets,
      orders,
      fills,
      expired,
      rejected,
      resized,
      sizingNotes: result?.sizing.notes ?? [],
      cash: portfolio.cash,
      equity: portfolio.equity,
      latencyMs,
      teamMs,
      orderWaitMs: waited.orderWaitMs,
    };
  }

  /**
   * The paper venue: the book as stored (holdings, open orders at their last close) and orders recorded by the
   * broker's intake before the next bar. In live mode (no broker) nothing is placed.
   */
  #venue(
    state: TradingState,
    equity: number,
    placed: Order[],
    day: TradingDay,
    waited: { orderWaitMs: number },
  ): Venue {
    const o = this.#o;
    const core = this.#core;
    const commission: CommissionModel = o.paper?.commission ?? noCommission;
    return {
      limits: this.#limits,
      commission,
      book: () => {
        const prices = new Map<string, number>();
        for (const symbol of o.symbols) {
          const close = core.close(symbol);
          if (close !== undefined) prices.set(symbol, close);
        }
        const pending = new Map<string, number>();
        let pendingCash = 0;
        for (const { order, filledQuantity } of state.openOrders) {
          const quantity = order.quantity - filledQuantity;
          const close = prices.get(order.symbol) ?? Number.NaN;
          pending.set(
            order.symbol,
            (pending.get(order.symbol) ?? 0) + (order.side === 'BUY' ? quantity : -quantity),
          );
          if (!Number.isNaN(close)) pendingCash += cashEstimateOf(order.side, quantity, close, commission);
        }
        return new MapSizingBook({
          equity,
          cash: state.cash,
          held: new Map(state.positions.map((p) => [p.symbol, p.quantity])),
          pending,
          pendingCash,
          prices,
        });
      },
      place: async (sized, cycle) => {
        const paper = o.paper;
        if (!paper) return;
        placed.push(...cycleOrders(sized, { runId: o.runId, ...cycle }));
        for (const order of placed) await publishOrder(o.bus, paper.orders, order);
        if (placed.length === 0) return;
        o.onOrdersPublished?.(placed, day);
        // These very orders, by id: a later sequence recorded proves nothing about a redelivered earlier one.
        const waitStarted = performance.now();
        await paper.intake.waitFor(placed, paper.intakeTimeoutMs);
        waited.orderWaitMs = performance.now() - waitStarted;
      },
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
      peakEquity: Math.max(portfolio.equity, ...this.#core.equityHistory),
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
  outcome: TeamOutcome,
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
