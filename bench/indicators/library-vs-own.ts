/**
 * Library vs own code, per indicator: the per-bar streaming cost of trading-signals' class (wrapped the way
 * @ats/indicators would wrap it: one `add` per bar, plus the derived fields we publish) against our own class, on the
 * same bars. ADR 0020 keeps our code wherever the library costs more than LIBRARY_COST_LIMIT× ours.
 * Run alone: npx tsx bench/indicators/library-vs-own.ts [bars]
 */

import {
  AverageTrueRange,
  BollingerBands,
  ExponentialMovingAverage,
  Macd,
  type OhlcvBar,
  OnBalanceVolume,
  RangeBreakout,
  RelativeStrengthIndex,
  SimpleMovingAverage,
  Stochastic,
  WilderAverage,
  WilliamsR,
} from '@ats/indicators';
import {
  ATR,
  DonchianChannels,
  EMA,
  MACD,
  OBV,
  RSI,
  RVOL,
  SMA,
  StochasticOscillator,
  BollingerBands as TsBollingerBands,
  WSMA,
} from 'trading-signals';
import { FormerWilliamsR } from './former-williams-r';
import { randomWalkBars } from './random-walk-bars';

/** ADR 0020's rule: the library is used unless it costs more than this multiple of our code per bar. */
export const LIBRARY_COST_LIMIT = 1.5;
const DEFAULT_BARS = 200_000;
const WARM_UP_BARS = 1_000;
/** Own and library runs alternate this many times; the median of each is reported (load spikes hit both). */
const ROUNDS = 7;

/** One per-bar step: feeds bar i and returns something the loop folds into a checksum (so nothing is optimised out). */
type Step = (bar: OhlcvBar) => number;

interface Contender {
  readonly name: string;
  /** What the library offers for it (class and options), for the report. */
  readonly library: string;
  /** False where the library computes another convention (other values), so it cannot replace ours at any cost. */
  readonly sameValues?: false;
  readonly own: () => Step;
  readonly lib: () => Step;
}

const orZero = (x: number | null | undefined) => x ?? 0;

const CONTENDERS: readonly Contender[] = [
  {
    name: 'sma20',
    library: 'SMA(20)',
    own: () => {
      const i = new SimpleMovingAverage(20);
      return (b) => orZero(i.update(b.close));
    },
    lib: () => {
      const i = new SMA(20);
      return (b) => orZero(i.add(b.close));
    },
  },
  {
    name: 'sma200',
    library: 'SMA(200)',
    own: () => {
      const i = new SimpleMovingAverage(200);
      return (b) => orZero(i.update(b.close));
    },
    lib: () => {
      const i = new SMA(200);
      return (b) => orZero(i.add(b.close));
    },
  },
  {
    name: 'ema12',
    sameValues: false,
    library: 'EMA(12) (seeds on the first value, not TA-Lib’s SMA of the first 12: other early values)',
    own: () => {
      const i = new ExponentialMovingAverage(12);
      return (b) => orZero(i.update(b.close));
    },
    lib: () => {
      const i = new EMA(12);
      return (b) => orZero(i.add(b.close));
    },
  },
  {
    name: 'wilderAverage14',
    library: 'WSMA(14)',
    own: () => {
      const i = new WilderAverage(14);
      return (b) => orZero(i.update(b.volume));
    },
    lib: () => {
      const i = new WSMA(14);
      return (b) => orZero(i.add(b.volume));
    },
  },
  {
    name: 'rsi14',
    library: 'RSI(14) over WSMA',
    own: () => {
      const i = new RelativeStrengthIndex(14);
      return (b) => orZero(i.update(b.close));
    },
    lib: () => {
      const i = new RSI(14);
      return (b) => orZero(i.add(b.close));
    },
  },
  {
    name: 'atr14',
    library: 'ATR(14) over WSMA',
    own: () => {
      const i = new AverageTrueRange(14);
      return (b) => orZero(i.update(b));
    },
    lib: () => {
      const i = new ATR(14);
      return (b) => orZero(i.add(b));
    },
  },
  {
    name: 'stochastic14_3',
    library: 'StochasticOscillator({ kPeriod 14, kSlowingPeriod 1, dPeriod 3 }), clamped to [0, 100]',
    own: () => {
      const i = new Stochastic();
      return (b) => orZero(i.update(b)?.d);
    },
    lib: () => {
      const i = new StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 1, dPeriod: 3 });
      return (b) => {
        const v = i.add(b);
        return v === null ? 0 : clampPercent(v.stochK) + clampPercent(v.stochD);
      };
    },
  },
  {
    name: 'williamsR14',
    library:
      'WilliamsR(14), through our WilliamsR wrapper (own = the ring buffer it replaced, in former-williams-r.ts)',
    own: () => {
      const i = new FormerWilliamsR(14);
      return (b) => orZero(i.update(b));
    },
    lib: () => {
      const i = new WilliamsR(14);
      return (b) => orZero(i.update(b));
    },
  },
  {
    name: 'bollinger20_2',
    library: 'BollingerBands(20, 2) + bandwidth and %B from its bands',
    own: () => {
      const i = new BollingerBands();
      return (b) => orZero(i.update(b.close)?.percentB);
    },
    lib: () => {
      const i = new TsBollingerBands(20, 2);
      return (b) => {
        const v = i.add(b.close);
        if (v === null) return 0;
        // The fields BollingerValue publishes beyond the bands, as our class computes them.
        const width = v.upper - v.lower;
        const value = {
          upper: v.upper,
          middle: v.middle,
          lower: v.lower,
          bandwidth: width / v.middle,
          percentB: width === 0 ? 0.5 : (b.close - v.lower) / width,
        };
        return value.percentB;
      };
    },
  },
  {
    name: 'obv',
    library: 'OBV(2) (its look-back must be ≥ 2), 0 on the first bar as ours',
    own: () => {
      const i = new OnBalanceVolume();
      return (b) => orZero(i.update(b));
    },
    lib: () => {
      const i = new OBV(2);
      return (b) => orZero(i.add(b));
    },
  },
  {
    name: 'macd12_26_9',
    sameValues: false,
    library: 'MACD(EMA 12, EMA 26, EMA 9) (its EMA seeds on the first price, not TA-Lib’s SMA: other values)',
    own: () => {
      const i = new Macd();
      return (b) => orZero(i.update(b.close)?.histogram);
    },
    lib: () => {
      const i = new MACD(new EMA(12), new EMA(26), new EMA(9));
      return (b) => orZero(i.add(b.close)?.histogram);
    },
  },
  {
    name: 'rangeBreakout20',
    library: 'DonchianChannels(20) read before the bar + RVOL(20) (volume / mean of the 20 bars before)',
    own: () => {
      const i = new RangeBreakout();
      return (b) => i.update(b)?.volumeRatio ?? 0;
    },
    lib: () => {
      const channel = new DonchianChannels(20);
      const relativeVolume = new RVOL(20);
      return (b) => {
        const previous = channel.getResult();
        const ratio = relativeVolume.add(b.volume);
        channel.add(b);
        if (previous === null || ratio === null || ratio < 1.5) return 0;
        return b.close > previous.upper || b.close < previous.lower ? ratio : 0;
      };
    },
  },
];

function clampPercent(value: number): number {
  return Math.min(100, Math.max(0, value));
}

/** Wall and CPU ns per bar of one pass of `step` over bars[from..]. */
function timePass(
  step: Step,
  bars: readonly OhlcvBar[],
  from: number,
): { wall: number; cpu: number; sum: number } {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  let sum = 0;
  for (let i = from; i < bars.length; i++) sum += step(bars[i] as OhlcvBar);
  const wall = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpuStart);
  const n = bars.length - from;
  return { wall: wall / n, cpu: ((cpu.user + cpu.system) * 1000) / n, sum };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

export interface LibraryVsOwnRow {
  readonly library: string;
  readonly ownNsPerBar: number;
  readonly libraryNsPerBar: number;
  readonly ownCpuNsPerBar: number;
  readonly libraryCpuNsPerBar: number;
  /** library CPU ns / own CPU ns (medians). */
  readonly costRatio: number;
  readonly verdict: 'library' | 'own: costs more' | 'own: other convention';
}

/** Per indicator: median per-bar cost of own and library code over `barCount` bars, and the verdict of the rule. */
export function compareLibraryWithOwn(barCount: number = DEFAULT_BARS): Record<string, LibraryVsOwnRow> {
  const bars = randomWalkBars(barCount + WARM_UP_BARS);
  const rows: Record<string, LibraryVsOwnRow> = {};
  let guard = 0;
  for (const contender of CONTENDERS) {
    const own = { wall: [] as number[], cpu: [] as number[] };
    const lib = { wall: [] as number[], cpu: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [make, into] of [
        [contender.own, own],
        [contender.lib, lib],
      ] as const) {
        const step = make();
        for (let i = 0; i < WARM_UP_BARS; i++) guard += step(bars[i] as OhlcvBar);
        const pass = timePass(step, bars, WARM_UP_BARS);
        into.wall.push(pass.wall);
        into.cpu.push(pass.cpu);
        guard += pass.sum;
      }
    }
    const ownCpu = median(own.cpu);
    const libCpu = median(lib.cpu);
    const costRatio = Math.round((libCpu / ownCpu) * 100) / 100;
    rows[contender.name] = {
      library: contender.library,
      ownNsPerBar: round(median(own.wall)),
      libraryNsPerBar: round(median(lib.wall)),
      ownCpuNsPerBar: round(ownCpu),
      libraryCpuNsPerBar: round(libCpu),
      costRatio,
      verdict:
        contender.sameValues === false
          ? 'own: other convention'
          : costRatio > LIBRARY_COST_LIMIT
            ? 'own: costs more'
            : 'library',
    };
  }
  if (Number.isNaN(guard)) throw new Error('a contender produced NaN');
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const barCount = Number(process.argv[2] ?? DEFAULT_BARS);
  console.log(
    JSON.stringify(
      {
        benchmark: 'indicators-library-vs-own',
        bars: barCount,
        rounds: ROUNDS,
        rows: compareLibraryWithOwn(barCount),
      },
      null,
      2,
    ),
  );
}
