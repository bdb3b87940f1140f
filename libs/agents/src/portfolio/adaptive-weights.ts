import type { AgentDecision, Bar } from '@ats/contracts';
import { barCloseTime } from '../snapshot';
import type { DecisionContext } from '../types';
import type { ConsensusWeights } from './portfolio-manager';
import { rankCorrelation } from './rank-correlation';

/**
 * Point-in-time consensus weights: at each decision time every analyst's weight comes from how well its past calls
 * ranked the forward returns that had ALREADY been realised by then (docs/metrics.md, `adaptiveWeights`):
 * w_a ∝ max(0, IC_a × n_a / (n_a + k)); the static weights while an analyst has too few outcomes or no analyst
 * shows skill.
 */
export interface AdaptiveWeightRule {
  /** Trading days ahead the outcome of a call is measured (its return is known at the close of t + horizon). */
  readonly horizon: number;
  /** The latest realised outcomes of each analyst that count. */
  readonly window: number;
  /** k of the shrinkage n / (n + k): with n = k outcomes the IC counts half. */
  readonly shrinkage: number;
  /** Fewer realised outcomes than this for either analyst: static weights. */
  readonly minOutcomes: number;
}

export const DEFAULT_ADAPTIVE_WEIGHT_RULE: AdaptiveWeightRule = {
  horizon: 5,
  window: 250,
  shrinkage: 50,
  minOutcomes: 30,
};

const ANALYSTS = ['technical', 'sentiment'] as const;
type Analyst = (typeof ANALYSTS)[number];

/** When an outcome realised at `realisedAt` may be used by a decision at `asOf`: only once it has happened. */
export type OutcomeVisibility = (realisedAt: string, asOf: string) => boolean;
export const REALISED_BY_DECISION_TIME: OutcomeVisibility = (realisedAt, asOf) => realisedAt <= asOf;

export interface AnalystSkill {
  /** Realised outcomes in the window. */
  readonly outcomes: number;
  /** Spearman IC of signed confidence against the forward return; null when undefined (few or constant). */
  readonly ic: number | null;
  /** max(0, IC × n / (n + k)). */
  readonly shrunkIc: number;
}

/** The weights one decision time used, and why. */
export interface WeightPoint {
  readonly asOf: string;
  readonly weights: ConsensusWeights;
  readonly source: 'static' | 'adaptive';
  readonly analysts: Readonly<Record<Analyst, AnalystSkill>>;
}

/** A call waiting for its outcome: the symbol's bar at the decision and the signed confidence. */
interface PendingCall {
  readonly agent: Analyst;
  readonly symbol: string;
  readonly barTs: string;
  readonly signed: number;
}

interface RealisedCall {
  readonly signed: number;
  readonly forwardReturn: number;
}

const direction = (signal: string) => (signal === 'BUY' ? 1 : signal === 'SELL' ? -1 : 0);
/** The adjusted close when the source has one (dividends count in the outcome), else the close. */
const priceOf = (bar: Bar) => bar.adjClose ?? bar.close;

export class AdaptiveConsensusWeights {
  #pending: PendingCall[] = [];
  readonly #realised: Record<Analyst, RealisedCall[]> = { technical: [], sentiment: [] };
  readonly #path: WeightPoint[] = [];

  constructor(
    /** The static weights: the fallback, and the prior before outcomes exist. */
    readonly fallback: ConsensusWeights,
    readonly rule: AdaptiveWeightRule = DEFAULT_ADAPTIVE_WEIGHT_RULE,
    /** The only correct rule is the default; a test plants a leak through it to show the test catches one. */
    private readonly visible: OutcomeVisibility = REALISED_BY_DECISION_TIME,
  ) {}

  /** The weights of every decision time so far, in order. */
  get path(): readonly WeightPoint[] {
    return this.#path;
  }

  /**
   * The weights for the cycle at ctx.asOf: first the outcomes realised by then are collected from the snapshots'
   * bars, then the weights are set from them, and only then are this cycle's calls remembered (their outcomes
   * lie in the future).
   */
  weightsFor(ctx: DecisionContext, decisions: readonly AgentDecision[]): ConsensusWeights {
    this.#collectOutcomes(ctx);
    const point = this.#weigh(ctx.asOf);
    this.#path.push(point);
    this.#remember(ctx, decisions);
    return point.weights;
  }

  #collectOutcomes(ctx: DecisionContext): void {
    const histories = new Map(ctx.snapshots.map((s) => [s.symbol as string, s.history]));
    const stillPending: PendingCall[] = [];
    for (const call of this.#pending) {
      const outcome = this.#outcome(call, histories.get(call.symbol), ctx.asOf);
      if (outcome === undefined) stillPending.push(call);
      else this.#realised[call.agent].push({ signed: call.signed, forwardReturn: outcome });
    }
    this.#pending = stillPending;
  }

  /** The call's forward return when the bar `horizon` days after it has closed by `asOf`; else undefined. */
  #outcome(call: PendingCall, history: readonly Bar[] | undefined, asOf: string): number | undefined {
    if (!history) return undefined;
    const at = findBar(history, call.barTs);
    const later = at < 0 ? undefined : history[at + this.rule.horizon];
    if (later === undefined || !this.visible(barCloseTime(later), asOf)) return undefined;
    return priceOf(later) / priceOf(history[at] as Bar) - 1;
  }

  #weigh(asOf: string): WeightPoint {
    const analysts = {} as Record<Analyst, AnalystSkill>;
    for (const agent of ANALYSTS) {
      const recent = this.#realised[agent].slice(-this.rule.window);
      const n = recent.length;
      const ic = rankCorrelation(
        recent.map((c) => c.signed),
        recent.map((c) => c.forwardReturn),
      );
      analysts[agent] = {
        outcomes: n,
        ic,
        shrunkIc: Math.max(0, (ic ?? 0) * (n / (n + this.rule.shrinkage))),
      };
    }
    const enough = ANALYSTS.every((a) => analysts[a].outcomes >= this.rule.minOutcomes);
    const total = analysts.technical.shrunkIc + analysts.sentiment.shrunkIc;
    if (!enough || total <= 0) return { asOf, weights: this.fallback, source: 'static', analysts };
    return {
      asOf,
      weights: {
        technical: analysts.technical.shrunkIc / total,
        sentiment: analysts.sentiment.shrunkIc / total,
      },
      source: 'adaptive',
      analysts,
    };
  }

  #remember(ctx: DecisionContext, decisions: readonly AgentDecision[]): void {
    // The decision bar: the last one closed by asOf (never a later bar, even if a history carried one).
    const lastBar = new Map(
      ctx.snapshots.map((s) => [
        s.symbol as string,
        s.history.findLast((b) => barCloseTime(b) <= ctx.asOf)?.ts,
      ]),
    );
    for (const d of decisions) {
      if (d.agent !== 'technical' && d.agent !== 'sentiment') continue;
      const barTs = lastBar.get(d.symbol);
      if (barTs === undefined) continue;
      this.#pending.push({
        agent: d.agent,
        symbol: d.symbol,
        barTs,
        signed: direction(d.signal) * d.confidence,
      });
    }
  }
}

/** Index of the bar opened at `ts` (histories are in time order); −1 when it has left the look-back. */
function findBar(history: readonly Bar[], ts: string): number {
  let lo = 0;
  let hi = history.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = (history[mid] as Bar).ts;
    if (at === ts) return mid;
    if (at < ts) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
