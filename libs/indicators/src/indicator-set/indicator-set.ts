import { AverageTrueRange, DEFAULT_ATR_PERIOD } from '../atr/atr';
import type { OhlcvBar } from '../bar';
import { BollingerBands, type BollingerOptions } from '../bollinger/bollinger';
import {
  type DoublePatternEvent,
  DoubleTopBottom,
  type DoubleTopBottomOptions,
} from '../double-top-bottom/double-top-bottom';
import { ExponentialMovingAverage } from '../ema/ema';
import {
  DEFAULT_CROSS_FAST,
  DEFAULT_CROSS_SLOW,
  type MaCrossEvent,
  MaCrossover,
  type MaCrossoverOptions,
} from '../ma-crossover/ma-crossover';
import { Macd, type MacdOptions } from '../macd/macd';
import { OnBalanceVolume } from '../obv/obv';
import {
  type BreakoutEvent,
  RangeBreakout,
  type RangeBreakoutOptions,
} from '../range-breakout/range-breakout';
import { DEFAULT_RSI_PERIOD, RelativeStrengthIndex } from '../rsi/rsi';
import { SimpleMovingAverage } from '../sma/sma';
import { Stochastic, type StochasticOptions } from '../stochastic/stochastic';
import { SupportResistance, type SupportResistanceOptions } from '../support-resistance/support-resistance';
import { DEFAULT_SWING_LOOKBACK } from '../swing-points/swing-points';
import { TrendStructure } from '../trend-structure/trend-structure';
import { VolumeProfile, type VolumeProfileOptions } from '../volume-profile/volume-profile';
import { DEFAULT_VOLUME_SMA_PERIOD, VolumeSma } from '../volume-sma/volume-sma';
import { DEFAULT_WILLIAMS_R_PERIOD, WilliamsR } from '../williams-r/williams-r';

export const DEFAULT_SMA_PERIODS: readonly number[] = [20, 50, 200];
export const DEFAULT_EMA_PERIODS: readonly number[] = [12, 26];

export interface IndicatorSetConfig {
  readonly smaPeriods?: readonly number[];
  readonly emaPeriods?: readonly number[];
  readonly macd?: MacdOptions;
  readonly rsiPeriod?: number;
  readonly stochastic?: StochasticOptions;
  readonly williamsRPeriod?: number;
  readonly bollinger?: BollingerOptions;
  readonly atrPeriod?: number;
  readonly volumeSmaPeriod?: number;
  readonly volumeProfile?: VolumeProfileOptions;
  readonly supportResistance?: SupportResistanceOptions;
  /** Simple moving averages only, so the cross reuses the set's SMAs. */
  readonly maCrossover?: Omit<MaCrossoverOptions, 'average'>;
  readonly breakout?: RangeBreakoutOptions;
  readonly doubleTopBottom?: DoubleTopBottomOptions;
  /** Swing lookback of the trend structure. */
  readonly swingLookback?: number;
}

/**
 * Every indicator the technical agent reads, updated together one bar at a time (live feed and event-driven backtest
 * alike). Per bar the cost is O(largest window); the volume profile and support/resistance levels are built only when
 * read. Bars must be fed in time order; values after bar t depend only on bars 0..t.
 */
export class IndicatorSet {
  readonly sma: ReadonlyMap<number, SimpleMovingAverage>;
  readonly ema: ReadonlyMap<number, ExponentialMovingAverage>;
  readonly macd: Macd;
  readonly rsi: RelativeStrengthIndex;
  readonly stochastic: Stochastic;
  readonly williamsR: WilliamsR;
  readonly bollinger: BollingerBands;
  readonly atr: AverageTrueRange;
  readonly volumeSma: VolumeSma;
  readonly obv: OnBalanceVolume;
  readonly volumeProfile: VolumeProfile;
  readonly supportResistance: SupportResistance;
  readonly maCrossover: MaCrossover;
  readonly breakout: RangeBreakout;
  readonly doubleTopBottom: DoubleTopBottom;
  readonly trendStructure: TrendStructure;
  /** The same averages as arrays: iterating a Map per bar cost more than the averages themselves. */
  readonly #smaList: SimpleMovingAverage[];
  readonly #emaList: ExponentialMovingAverage[];
  readonly #crossFast: SimpleMovingAverage;
  readonly #crossSlow: SimpleMovingAverage;
  #lastBar: OhlcvBar | undefined;
  #barIndex = -1;
  #crossThisBar: MaCrossEvent | undefined;
  #breakoutThisBar: BreakoutEvent | undefined;
  #doublePatternThisBar: DoublePatternEvent | undefined;

  constructor(config: IndicatorSetConfig = {}) {
    const crossFast = config.maCrossover?.fast ?? DEFAULT_CROSS_FAST;
    const crossSlow = config.maCrossover?.slow ?? DEFAULT_CROSS_SLOW;
    const smaPeriods = new Set([...(config.smaPeriods ?? DEFAULT_SMA_PERIODS), crossFast, crossSlow]);
    const sma = new Map<number, SimpleMovingAverage>();
    for (const period of [...smaPeriods].sort((a, b) => a - b))
      sma.set(period, new SimpleMovingAverage(period));
    this.sma = sma;
    this.ema = new Map(
      (config.emaPeriods ?? DEFAULT_EMA_PERIODS).map((p) => [p, new ExponentialMovingAverage(p)]),
    );
    this.#smaList = [...this.sma.values()];
    this.#emaList = [...this.ema.values()];
    this.macd = new Macd(config.macd);
    this.rsi = new RelativeStrengthIndex(config.rsiPeriod ?? DEFAULT_RSI_PERIOD);
    this.stochastic = new Stochastic(config.stochastic);
    this.williamsR = new WilliamsR(config.williamsRPeriod ?? DEFAULT_WILLIAMS_R_PERIOD);
    this.bollinger = new BollingerBands(config.bollinger);
    this.atr = new AverageTrueRange(config.atrPeriod ?? DEFAULT_ATR_PERIOD);
    this.volumeSma = new VolumeSma(config.volumeSmaPeriod ?? DEFAULT_VOLUME_SMA_PERIOD);
    this.obv = new OnBalanceVolume();
    this.volumeProfile = new VolumeProfile(config.volumeProfile);
    this.supportResistance = new SupportResistance(config.supportResistance);
    this.maCrossover = new MaCrossover({ fast: crossFast, slow: crossSlow, average: 'sma' });
    this.#crossFast = sma.get(crossFast) as SimpleMovingAverage;
    this.#crossSlow = sma.get(crossSlow) as SimpleMovingAverage;
    this.breakout = new RangeBreakout(config.breakout);
    this.doubleTopBottom = new DoubleTopBottom(config.doubleTopBottom);
    this.trendStructure = new TrendStructure(config.swingLookback ?? DEFAULT_SWING_LOOKBACK);
  }

  update(bar: OhlcvBar): void {
    this.#barIndex++;
    this.#lastBar = bar;
    const close = bar.close;
    const smaList = this.#smaList;
    for (let i = 0; i < smaList.length; i++) (smaList[i] as SimpleMovingAverage).update(close);
    const emaList = this.#emaList;
    for (let i = 0; i < emaList.length; i++) (emaList[i] as ExponentialMovingAverage).update(close);
    this.macd.update(close);
    this.rsi.update(close);
    this.stochastic.update(bar);
    this.williamsR.update(bar);
    this.bollinger.update(close);
    this.atr.update(bar);
    this.volumeSma.update(bar);
    this.obv.update(bar);
    this.volumeProfile.push(bar);
    this.supportResistance.push(bar);
    this.#crossThisBar = this.maCrossover.updateWith(
      this.#crossFast.getResult(),
      this.#crossSlow.getResult(),
      bar.ts,
    );
    this.#breakoutThisBar = this.breakout.update(bar);
    this.#doublePatternThisBar = this.doubleTopBottom.update(bar);
    this.trendStructure.update(bar);
  }

  /** The last bar fed, if any. */
  get lastBar(): OhlcvBar | undefined {
    return this.#lastBar;
  }

  /** Index of the last bar fed (0 = first); −1 before any. */
  get barIndex(): number {
    return this.#barIndex;
  }

  /** Events that fired on the last bar fed. */
  get eventsThisBar(): {
    maCross: MaCrossEvent | undefined;
    breakout: BreakoutEvent | undefined;
    doublePattern: DoublePatternEvent | undefined;
  } {
    return {
      maCross: this.#crossThisBar,
      breakout: this.#breakoutThisBar,
      doublePattern: this.#doublePatternThisBar,
    };
  }
}
