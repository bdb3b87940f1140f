import { DEFAULT_LOOKBACK_BARS, type HistoryColumns, SymbolFeed } from '@ats/agents';
import type { Bar, EvidenceSnapshot, MarketSnapshot, NewsItem, PortfolioState } from '@ats/contracts';
import {
  ordersForTargetWeights,
  type SizingPolicy,
  type SizingResult,
  TEAM_SIZING_POLICY,
} from '@ats/execution';
import type { CycleTeam, CycleTime, EvidencePort, SnapshotSource, TeamOutcome, Venue } from './ports';

export interface CycleCoreOptions {
  /** The run's universe, in the order the account is marked in. */
  readonly symbols: readonly string[];
  /** Default TEAM_SIZING_POLICY (half-percent minimum change, one percent gap allowance). */
  readonly policy?: SizingPolicy;
  /** Evidence at each decision time; without it the team gets none. */
  readonly evidence?: EvidencePort;
  /** Default: an @ats/agents SymbolFeed with `lookback` bars of history. */
  readonly createSnapshotSource?: (symbol: string) => SnapshotSource;
  readonly lookback?: number;
}

export interface CycleInput extends CycleTime {
  readonly team: CycleTeam;
  /** The account marked at the decision close (see markEquity). */
  readonly portfolio: PortfolioState;
  readonly venue: Venue;
  /** Called with the team's outcome before any order is sized or placed (audit first: decisions are stored). */
  readonly decided?: (outcome: TeamOutcome) => void | Promise<void>;
  /** News the driver already holds (a backtest's preloaded, point-in-time list); default the evidence's news. */
  readonly news?: readonly NewsItem[];
  /** False: the team need not format reasoning texts (DecisionContext.explain); default true. */
  readonly explain?: boolean;
}

export interface CycleResult {
  readonly outcome: TeamOutcome;
  readonly evidence?: EvidenceSnapshot;
  /** The weights traded towards (targets, and 0 for holdings the team gave none). */
  readonly weights: ReadonlyMap<string, number>;
  readonly sizing: SizingResult;
}

/** The reason every order of a team cycle carries. */
export const TEAM_ORDER_REASON = 'multi-agent target weights';

/**
 * One decision cycle, the same in backtest, paper and live: at a decision close it takes the point-in-time market
 * state (a streamed snapshot per symbol that has printed, the evidence at that time), the account marked at the
 * close and the equity history, runs the agent team, sizes the targets with @ats/execution's model on the venue's
 * book and hands the orders to the venue. Drivers push each bar once (push) and call run at decision times; the
 * core holds no clock and does no I/O beyond its ports.
 */
export class CycleCore {
  readonly symbols: readonly string[];
  readonly #o: CycleCoreOptions;
  readonly #policy: SizingPolicy;
  readonly #sources = new Map<string, SnapshotSource>();
  readonly #lastClose = new Map<string, number>();
  #equityHistory: number[] = [];

  constructor(options: CycleCoreOptions) {
    this.#o = options;
    this.symbols = [...options.symbols];
    this.#policy = options.policy ?? TEAM_SIZING_POLICY;
    const lookback = options.lookback ?? DEFAULT_LOOKBACK_BARS;
    const create = options.createSnapshotSource ?? ((symbol: string) => new SymbolFeed(symbol, lookback));
    for (const symbol of this.symbols) this.#sources.set(symbol, create(symbol));
  }

  /** A new bar of one symbol (warm-up or trading): indicators move to its close. */
  push(symbol: string, bar: Bar): void {
    const source = this.#sources.get(symbol);
    if (source === undefined) throw new RangeError(`${symbol} is not in this cycle core's universe`);
    source.push(bar);
    this.#lastClose.set(symbol, bar.close);
  }

  /** The last close pushed for `symbol` (undefined before its first bar). */
  close(symbol: string): number | undefined {
    return this.#lastClose.get(symbol);
  }

  /** Equity at each completed cycle so far (restored on resume): the risk manager's drawdown input. */
  restoreEquityHistory(equities: readonly number[]): void {
    this.#equityHistory = [...equities];
  }

  get equityHistory(): readonly number[] {
    return this.#equityHistory;
  }

  /**
   * Cash plus each holding at its last close, summed in universe order (the backtest engine's order), so every
   * path marks the same account to the same float.
   */
  markEquity(cash: number, quantityOf: (symbol: string) => number): number {
    let value = 0;
    for (const symbol of this.symbols) {
      const quantity = quantityOf(symbol);
      if (quantity !== 0) value += quantity * (this.#lastClose.get(symbol) ?? Number.NaN);
    }
    return cash + value;
  }

  /** Runs one cycle; undefined when no symbol has printed yet (nothing to decide on). */
  async run(input: CycleInput): Promise<CycleResult | undefined> {
    const printed = this.symbols.filter((s) => this.#lastClose.has(s));
    if (printed.length === 0) return undefined;
    const { asOf, correlationId } = input;
    const evidence = this.#o.evidence
      ? await this.#o.evidence.evidenceAt({ symbols: printed, asOf, windowDays: {} })
      : undefined;
    const news = input.news ?? evidence?.news ?? [];
    const snapshots: MarketSnapshot[] = [];
    const columns: (HistoryColumns | undefined)[] = [];
    let allColumns = true;
    for (const symbol of printed) {
      const source = this.#sources.get(symbol) as SnapshotSource;
      snapshots.push(source.snapshot({ asOf, news }));
      const c = source.historyColumns?.();
      if (c === undefined) allColumns = false;
      columns.push(c);
    }
    this.#equityHistory.push(input.portfolio.equity);
    const outcome = await input.team.runCycle({
      asOf,
      correlationId,
      snapshots,
      news,
      ...(evidence ? { evidence } : {}),
      // Positions in symbol order, whatever order the venue keeps them in, so every path hands the team the same.
      portfolio: { ...input.portfolio, positions: [...input.portfolio.positions].sort(bySymbol) },
      equityHistory: this.#equityHistory,
      ...(input.explain === false ? { explain: false } : {}),
      ...(allColumns ? { historyColumns: columns } : {}),
    });
    await input.decided?.(outcome);
    const book = input.venue.book();
    const weights = weightsToTrade(printed, outcome, (s) => book.held(s));
    const sizing = ordersForTargetWeights({
      book,
      weights,
      limits: input.venue.limits,
      commission: input.venue.commission,
      policy: this.#policy,
      reason: TEAM_ORDER_REASON,
    });
    await input.venue.place(sizing, { asOf, correlationId });
    return { outcome, ...(evidence ? { evidence } : {}), weights, sizing };
  }
}

function bySymbol(a: { symbol: string }, b: { symbol: string }): number {
  return a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0;
}

/** The team's targets of the symbols that printed, and 0 for any holding the team gave no target (sold). */
export function weightsToTrade(
  printed: readonly string[],
  outcome: Pick<TeamOutcome, 'targets'>,
  held: (symbol: string) => number,
): Map<string, number> {
  const wanted = new Map(outcome.targets.map((t) => [t.symbol as string, t.targetWeight]));
  const weights = new Map<string, number>();
  for (const symbol of printed) {
    const target = wanted.get(symbol);
    if (target !== undefined) weights.set(symbol, target);
    else if (held(symbol) !== 0) weights.set(symbol, 0);
  }
  return weights;
}
