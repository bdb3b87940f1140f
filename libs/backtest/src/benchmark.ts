import type { BenchmarkConfig } from './config';
import { InvalidBacktestConfigError } from './errors';
import type { BenchmarkDescription } from './result';

export function describeBenchmark(benchmark: BenchmarkConfig): BenchmarkDescription {
  return benchmark.kind === 'series'
    ? { kind: 'series', symbol: benchmark.symbol, points: benchmark.ts.length }
    : benchmark;
}

/**
 * The benchmark's value through a run, without costs: a buy-and-hold of the feed (each symbol's allocation bought
 * at its first close, base or trading) or an outside series scaled to the initial cash.
 */
export class BenchmarkTracker {
  readonly #initialCash: number;
  /** Units held per symbol once it has printed; the rest of its allocation sits in cash until then. */
  readonly #units: Float64Array;
  /** Cash the feed benchmark puts into each symbol: initialCash / n each (equal weight), all of it in one, or none. */
  readonly #allocation: Float64Array;
  /** An outside benchmark series (kind 'series'): its points and the cursor of the last one at or before now. */
  readonly #series: { readonly ts: readonly string[]; readonly value: readonly number[] } | undefined;
  #cursor = -1;
  #base = Number.NaN;
  /** Starts as a number (not undefined) so the field holds doubles unboxed: it is written on every trading bar. */
  value = 0;

  constructor(benchmark: BenchmarkConfig, symbols: readonly string[], initialCash: number) {
    const n = symbols.length;
    this.#initialCash = initialCash;
    this.value = initialCash;
    this.#units = new Float64Array(n);
    this.#allocation = new Float64Array(n);
    if (benchmark.kind === 'series') {
      if (benchmark.ts.length !== benchmark.value.length || benchmark.ts.length === 0) {
        throw new InvalidBacktestConfigError(`benchmark series ${benchmark.symbol} is empty or misaligned`);
      }
      this.#series = benchmark;
    } else if (benchmark.kind === 'symbol') {
      const index = symbols.indexOf(benchmark.symbol);
      if (index < 0) {
        throw new InvalidBacktestConfigError(`benchmark symbol ${benchmark.symbol} is not in the feed`);
      }
      this.#allocation[index] = initialCash;
    } else {
      this.#allocation.fill(initialCash / n);
    }
  }

  get hasSeries(): boolean {
    return this.#series !== undefined;
  }

  /** Buys every allocation at the closes known before the first trading day (the base point). */
  buyAtBase(lastClose: Float64Array): void {
    const units = this.#units;
    const allocation = this.#allocation;
    for (let i = 0; i < units.length; i++) {
      const close = lastClose[i] as number;
      if (!Number.isNaN(close) && (allocation[i] as number) > 0) units[i] = (allocation[i] as number) / close;
    }
  }

  /** A trading bar of one symbol: buys its allocation at its first close, or moves the units held by the change. */
  onClose(symbolIndex: number, close: number, previous: number): void {
    const allocation = this.#allocation[symbolIndex] as number;
    if (allocation <= 0) return;
    const held = this.#units[symbolIndex] as number;
    if (held === 0) this.#units[symbolIndex] = allocation / close;
    else this.value += held * (close - previous);
  }

  /** A cash dividend on the units held. */
  onDividend(symbolIndex: number, perShare: number): void {
    this.value += (this.#units[symbolIndex] as number) * perShare;
  }

  /** Outside benchmark: initial cash × value(now) / value(base), the base being its first point at or before now. */
  markSeries(ts: string): void {
    const series = this.#series;
    if (series === undefined) return;
    let cursor = this.#cursor;
    while (cursor + 1 < series.ts.length && (series.ts[cursor + 1] as string) <= ts) cursor++;
    this.#cursor = cursor;
    if (cursor < 0) return;
    const value = series.value[cursor] as number;
    if (Number.isNaN(this.#base)) this.#base = value;
    this.value = (this.#initialCash * value) / this.#base;
  }
}
