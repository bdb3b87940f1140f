import { type Clock, systemClock } from '@ats/contracts';
import { LlmBudgetExceededError, type LlmBudgetKind } from './llm-budget-exceeded-error';

/** Hard spend limits in USD; an absent limit is no limit. */
export interface LlmBudget {
  readonly perRunUsd?: number;
  readonly perDayUsd?: number;
}

export interface LlmSpendLedgerOptions {
  readonly budget: LlmBudget;
  /** What other runs spent earlier on the current UTC day (from Postgres); 0 when unknown. */
  readonly spentTodayBeforeUsd?: number;
  readonly clock?: Clock;
}

/** When and why the budget stopped LLM use. */
export interface LlmBudgetStop {
  readonly budget: LlmBudgetKind;
  readonly limitUsd: number;
  readonly spentUsd: number;
  /** Wall-clock time of the first refused call. */
  readonly at: string;
}

const utcDay = (date: Date): string => date.toISOString().slice(0, 10);

/**
 * One spend counter shared by every agent's client of a run: the run's spend and, per UTC day, the day's (other
 * runs' spend found at start plus this run's). A call is allowed while both are under their limits, so the call
 * that crosses a limit completes and the overshoot is at most the calls already in flight.
 */
export class LlmSpendLedger {
  readonly #budget: LlmBudget;
  readonly #clock: Clock;
  readonly #startDay: string;
  readonly #spentTodayBeforeUsd: number;
  readonly #spentByDay = new Map<string, number>();
  #spentUsd = 0;
  #stop: LlmBudgetStop | undefined;

  constructor(options: LlmSpendLedgerOptions) {
    this.#budget = options.budget;
    this.#clock = options.clock ?? systemClock;
    this.#startDay = utcDay(this.#clock.now());
    this.#spentTodayBeforeUsd = options.spentTodayBeforeUsd ?? 0;
  }

  /** This run's spend so far, USD. */
  get spentUsd(): number {
    return this.#spentUsd;
  }

  /** The current UTC day's spend: other runs' before this one started (same day only) plus this run's. */
  get spentTodayUsd(): number {
    const today = utcDay(this.#clock.now());
    const before = today === this.#startDay ? this.#spentTodayBeforeUsd : 0;
    return before + (this.#spentByDay.get(today) ?? 0);
  }

  /** The first refusal, if the budget has stopped LLM use. */
  get stop(): LlmBudgetStop | undefined {
    return this.#stop;
  }

  /** Throws LlmBudgetExceededError when a limit is reached; the caller then makes no provider call. */
  authorise(provider: string, model: string): void {
    const reached = this.#reached();
    if (!reached) return;
    this.#stop ??= { ...reached, at: this.#clock.now().toISOString() };
    throw new LlmBudgetExceededError(provider, model, reached.budget, reached.limitUsd, reached.spentUsd);
  }

  /** Books what one completion cost (0 for a cached answer). */
  record(costUsd: number): void {
    this.#spentUsd += costUsd;
    const today = utcDay(this.#clock.now());
    this.#spentByDay.set(today, (this.#spentByDay.get(today) ?? 0) + costUsd);
  }

  #reached(): Omit<LlmBudgetStop, 'at'> | undefined {
    const { perRunUsd, perDayUsd } = this.#budget;
    if (perRunUsd !== undefined && this.#spentUsd >= perRunUsd)
      return { budget: 'run', limitUsd: perRunUsd, spentUsd: this.#spentUsd };
    const today = this.spentTodayUsd;
    if (perDayUsd !== undefined && today >= perDayUsd)
      return { budget: 'day', limitUsd: perDayUsd, spentUsd: today };
    return undefined;
  }
}
