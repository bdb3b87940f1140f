import type { OhlcvBar } from '../bar';
import { ExponentialMovingAverage } from '../ema/ema';
import { SimpleMovingAverage } from '../sma/sma';
import { InvalidIndicatorParameterError, type StreamingIndicator } from '../streaming';

/** The classic golden/death cross pair: 50- and 200-day simple moving averages. */
export const DEFAULT_CROSS_FAST = 50;
export const DEFAULT_CROSS_SLOW = 200;

/** Averages within this relative distance are touching, not crossed: below it the sign is rounding noise. */
export const CROSS_TOUCH_TOLERANCE = 1e-12;

export interface MaCrossoverOptions {
  readonly fast?: number;
  readonly slow?: number;
  readonly average?: 'sma' | 'ema';
}

export interface MaCrossEvent {
  /** golden: fast MA crosses above slow; death: crosses below. */
  readonly kind: 'golden' | 'death';
  readonly barIndex: number;
  readonly ts: string;
  readonly fast: number;
  readonly slow: number;
}

/**
 * Moving-average crossover: a cross is reported on the bar where fast − slow takes the opposite sign of its last
 * non-zero value (touching without crossing is no cross; a gap within 1e-12 of the slow MA counts as touching). The first bar with both averages never reports a cross.
 * `update` returns the event of this bar, if any; `getResult` the last event seen.
 */
export class MaCrossover implements StreamingIndicator<OhlcvBar, MaCrossEvent> {
  readonly #fast: StreamingIndicator<number, number>;
  readonly #slow: StreamingIndicator<number, number>;
  #lastSign = 0;
  #barIndex = -1;
  #last: MaCrossEvent | undefined;

  constructor({
    fast = DEFAULT_CROSS_FAST,
    slow = DEFAULT_CROSS_SLOW,
    average = 'sma',
  }: MaCrossoverOptions = {}) {
    if (fast >= slow)
      throw new InvalidIndicatorParameterError('MaCrossover', 'fast period (must be < slow)', fast);
    const make = (period: number) =>
      average === 'ema' ? new ExponentialMovingAverage(period) : new SimpleMovingAverage(period);
    this.#fast = make(fast);
    this.#slow = make(slow);
  }

  update(bar: OhlcvBar): MaCrossEvent | undefined {
    this.#barIndex++;
    const fast = this.#fast.update(bar.close);
    const slow = this.#slow.update(bar.close);
    if (fast === undefined || slow === undefined) return undefined;
    return this.#observe(fast, slow, bar.ts);
  }

  /** Feeds already-computed averages for this bar (lets an IndicatorSet share its SMAs); advances the bar index. */
  updateWith(fast: number | undefined, slow: number | undefined, ts: string): MaCrossEvent | undefined {
    this.#barIndex++;
    if (fast === undefined || slow === undefined) return undefined;
    return this.#observe(fast, slow, ts);
  }

  #observe(fast: number, slow: number, ts: string): MaCrossEvent | undefined {
    const gap = fast - slow;
    const sign = Math.abs(gap) <= CROSS_TOUCH_TOLERANCE * Math.abs(slow) ? 0 : Math.sign(gap);
    if (sign === 0) return undefined;
    const previous = this.#lastSign;
    this.#lastSign = sign;
    if (previous === 0 || previous === sign) return undefined;
    this.#last = { kind: sign > 0 ? 'golden' : 'death', barIndex: this.#barIndex, ts, fast, slow };
    return this.#last;
  }

  getResult(): MaCrossEvent | undefined {
    return this.#last;
  }

  get isStable(): boolean {
    return this.#lastSign !== 0;
  }
}

/** Every golden/death cross in `bars`, in order. */
export function detectMaCrossovers(
  bars: readonly OhlcvBar[],
  options: MaCrossoverOptions = {},
): MaCrossEvent[] {
  const crossover = new MaCrossover(options);
  const events: MaCrossEvent[] = [];
  for (const bar of bars) {
    const event = crossover.update(bar);
    if (event) events.push(event);
  }
  return events;
}
