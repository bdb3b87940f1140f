import type { MarketMoodReading, MarketSnapshot } from '@ats/contracts';
import { num, pct, signed } from '../format';
import type { HistoryColumns } from '../snapshot';
import { type MarketMood, marketMood } from './market-mood';
import { availableMs } from './point-in-time';
import { type ComponentItem, type SentimentComponent, scoreAgreement } from './sentiment-component';
import { MOOD_MAX_READING_AGE_DAYS } from './sentiment-weights';

const DAY_MS = 86_400_000;

/** A Fear & Greed value (0 extreme fear .. 100 extreme greed) as a score: (value − 50) / 50, in [-1, 1]. */
export function moodScore(value: number): number {
  return (value - 50) / 50;
}

/** Why the index reading was not used (the price proxy stands in), or undefined when it was. */
export function moodReadingProblem(
  reading: MarketMoodReading | null | undefined,
  asOfMs: number,
): string | undefined {
  if (reading === undefined) return 'no evidence source in this run';
  if (reading === null) return 'no Fear & Greed reading available';
  if (!(availableMs(reading) <= asOfMs))
    return `the reading of ${reading.date} is not available until ${reading.availableAt}`;
  if (asOfMs - Date.parse(reading.date) > MOOD_MAX_READING_AGE_DAYS * DAY_MS)
    return `the latest reading (${reading.date}) is older than ${MOOD_MAX_READING_AGE_DAYS} days`;
  return undefined;
}

/** The mood of a cycle: its component (none without a reading or price history) and the price proxy when used. */
export interface MoodFinding {
  readonly component: SentimentComponent | undefined;
  readonly proxy: MarketMood | undefined;
}

/**
 * The market-mood component: the Fear & Greed reading of the evidence (labelled with its source and date) when it is
 * available and fresh; otherwise the price proxy computed from the universe's bars, labelled "price proxy".
 * Market-wide: the same for every symbol of the cycle.
 */
export function moodComponent(
  reading: MarketMoodReading | null | undefined,
  snapshots: readonly MarketSnapshot[],
  asOfMs: number,
  /** The snapshots' history columns, when the cycle has them (DecisionContext.historyColumns). */
  columns?: readonly (HistoryColumns | undefined)[],
): MoodFinding {
  const problem = moodReadingProblem(reading, asOfMs);
  if (problem === undefined && reading) {
    const score = moodScore(reading.value);
    const label = `Fear & Greed ${num(reading.value, 1)} (${reading.rating}) on ${reading.date}`;
    return {
      proxy: undefined,
      component: oneReading(
        score,
        { source: reading.source, id: `fear-greed:${reading.date}`, label, availableAt: reading.availableAt },
        () => `market mood ${signed(score)}: ${label}, source ${reading.source}`,
      ),
    };
  }
  const proxy = marketMood(snapshots, columns);
  if (proxy.mood === null) return { proxy, component: undefined };
  const score = proxy.mood;
  return {
    proxy,
    component: oneReading(
      score,
      {
        source: 'price-proxy',
        id: 'price-proxy',
        label: `price proxy (${proxy.label})`,
        availableAt: snapshots[0]?.asOf ?? new Date(asOfMs).toISOString(),
      },
      () =>
        `market mood ${signed(score)} from the price proxy (${problem}): ${proxy.label}, breadth ${pct(proxy.breadthAbove50dma, 0)} above 50-day MA, 20-day vol ${pct(proxy.realisedVol20)} vs 1y median ${pct(proxy.realisedVolMedian1y)}, 20-day equal-weight return ${pct(proxy.momentum20)}`,
    ),
  };
}

/** A mood component of one reading (the index, or the proxy standing in): full strength, the reading its only item. */
function oneReading(
  score: number,
  cited: Omit<ComponentItem, 'kind' | 'share' | 'detail'>,
  describe: () => string,
): SentimentComponent {
  return {
    kind: 'mood',
    score,
    strength: 1,
    items: [{ kind: 'mood', ...cited, share: score }],
    agreement: (signal) => scoreAgreement(score, signal),
    describe,
  };
}
