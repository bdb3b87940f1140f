import type { Bus, Subscription } from '@ats/bus';
import {
  type Bar,
  IndicatorMessages,
  type IndicatorsRequest,
  type IndicatorsResponse,
  IndicatorsResponseSchema,
  QueueGroups,
  Subjects,
  type TechnicalSnapshotMessage,
  TechnicalSnapshotSchema,
} from '@ats/contracts';
import { buildTechnicalSnapshot, IndicatorSet } from '@ats/indicators';
import { addDays, type CachedMarketData, type MarketDataSource } from '@ats/market-data';
import type { Logger } from '@ats/observability';
import { NoBarsError, toReplyError } from './reply-errors';

/** Bars for the indicators, and the cache (L1/L2 under the indicators TTL) their results are kept in. */
export interface IndicatorSources {
  readonly bars: Pick<MarketDataSource, 'getBars'>;
  readonly cache: Pick<CachedMarketData, 'rememberIndicators'>;
}

/**
 * Technical snapshot after the last bar dated `asOf` or earlier. Later bars are dropped here even if a source
 * returned them, so the answer never depends on what happened after `asOf`.
 */
export function technicalSnapshotAsOf(
  bars: readonly Bar[],
  asOf: string,
): TechnicalSnapshotMessage | undefined {
  const set = new IndicatorSet();
  let fed = 0;
  for (const bar of bars) {
    if (bar.ts.slice(0, 10) > asOf) break;
    set.update(bar);
    fed += 1;
  }
  return fed === 0 ? undefined : TechnicalSnapshotSchema.parse(buildTechnicalSnapshot(set));
}

/** Computes (or reads from cache) the indicators of one request. */
export async function answerIndicatorsRequest(
  sources: IndicatorSources,
  request: IndicatorsRequest,
): Promise<IndicatorsResponse> {
  const { symbol, timeframe, asOf, lookbackDays } = request;
  const from = addDays(asOf, -lookbackDays);
  try {
    return await sources.cache.rememberIndicators(
      `${timeframe}.${symbol}.${asOf}.${lookbackDays}`,
      IndicatorsResponseSchema,
      async () => {
        const served = await sources.bars.getBars({ symbol, timeframe, from, to: asOf });
        const bars = served.bars.filter((bar) => bar.ts.slice(0, 10) <= asOf);
        const snapshot = technicalSnapshotAsOf(bars, asOf);
        if (!snapshot) throw new NoBarsError(`no ${timeframe} bars of ${symbol} from ${from} to ${asOf}`);
        return { symbol, timeframe, asOf, from, provider: served.provider, bars: bars.length, snapshot };
      },
    );
  } catch (error) {
    throw toReplyError(error, `indicators of ${symbol}`, [symbol]);
  }
}

/** Serves `md.indicators.get` in the data gateway's queue group. */
export function serveIndicators(
  bus: Bus,
  sources: IndicatorSources,
  logger: Logger,
  subject: string = Subjects.indicatorsRequest,
): Promise<Subscription> {
  return bus.serve(
    subject,
    IndicatorMessages.indicatorsRequest,
    IndicatorMessages.indicatorsResponse,
    async (message) => {
      const response = await answerIndicatorsRequest(sources, message.data);
      logger.debug(
        {
          correlationId: message.correlationId,
          symbol: response.symbol,
          asOf: response.asOf,
          bars: response.bars,
        },
        'indicators served',
      );
      return response;
    },
    { queue: QueueGroups.dataGateway },
  );
}
