import type { Bus, Subscription } from '@ats/bus';
import { type HistoryRequest, type HistoryResponse, Messages, QueueGroups, Subjects } from '@ats/contracts';
import type { CacheOutcome, MarketDataSource, ServedBars } from '@ats/market-data';
import type { Logger } from '@ats/observability';
import { toReplyError } from './reply-errors';

/** Where history comes from: the cached failover chain (CachedMarketData), or any MarketDataSource. */
export type HistorySource = Pick<MarketDataSource, 'getBars'>;

/** Answers one history request; provider failures become typed reply errors, never a crash. */
export async function answerHistoryRequest(
  source: HistorySource,
  request: HistoryRequest,
): Promise<HistoryResponse & { cache?: CacheOutcome }> {
  let served: ServedBars & { cache?: CacheOutcome };
  try {
    served = await source.getBars({
      symbol: request.symbol,
      timeframe: request.timeframe,
      from: request.from,
      to: request.to,
    });
  } catch (error) {
    throw toReplyError(error, `history of ${request.symbol}`, [request.symbol]);
  }
  return {
    symbol: request.symbol,
    timeframe: request.timeframe,
    provider: served.provider,
    bars: served.bars,
    droppedRows: served.droppedRows,
    ...(served.cache ? { cache: served.cache } : {}),
  };
}

/** Serves `md.history.get` in the data gateway's queue group, so N instances share the requests. */
export function serveHistory(
  bus: Bus,
  source: HistorySource,
  logger: Logger,
  subject: string = Subjects.historyRequest,
): Promise<Subscription> {
  return bus.serve(
    subject,
    Messages.historyRequest,
    Messages.historyResponse,
    async (message) => {
      const { cache, ...response } = await answerHistoryRequest(source, message.data);
      logger.debug(
        {
          correlationId: message.correlationId,
          symbol: response.symbol,
          bars: response.bars.length,
          provider: response.provider,
          cache,
        },
        'history served',
      );
      return response;
    },
    { queue: QueueGroups.dataGateway },
  );
}
