import { type Bus, BusReplyError, type Subscription } from '@ats/bus';
import {
  type Bar,
  type HistoryRequest,
  type HistoryResponse,
  Messages,
  QueueGroups,
  Subjects,
} from '@ats/contracts';
import {
  AllProvidersFailedError,
  type BarsQuery,
  type MarketDataProvider,
  ProviderError,
  RateLimitedError,
  UnknownSymbolError,
  UnsupportedRequestError,
} from '@ats/market-data';
import type { Logger } from '@ats/observability';

/** Where the gateway gets history from: one provider, or the failover chain with its caches. */
export interface HistorySource {
  getHistory(query: BarsQuery): Promise<{ provider: string; bars: Bar[]; droppedRows: number }>;
}

/** A single provider used as a history source (the offline default: the bundled CSV files). */
export function singleProviderSource(provider: MarketDataProvider): HistorySource {
  return {
    async getHistory(query) {
      const batch = await provider.fetchBars(query);
      return { provider: provider.name, bars: batch.bars, droppedRows: batch.droppedRows };
    },
  };
}

/** Answers one history request; provider failures become typed reply errors, never a crash. */
export async function answerHistoryRequest(
  source: HistorySource,
  request: HistoryRequest,
): Promise<HistoryResponse> {
  try {
    const result = await source.getHistory({
      symbol: request.symbol,
      timeframe: request.timeframe,
      from: request.from,
      to: request.to,
    });
    return { symbol: request.symbol, timeframe: request.timeframe, ...result };
  } catch (error) {
    throw toReplyError(error, request);
  }
}

/** Maps provider failures to reply codes; messages name the request, not server paths or provider internals. */
function toReplyError(error: unknown, request: HistoryRequest): Error {
  const unknownSymbol = `unknown symbol ${request.symbol}: no data provider has it`;
  if (error instanceof UnknownSymbolError) return new BusReplyError('not_found', unknownSymbol);
  if (error instanceof UnsupportedRequestError) return new BusReplyError('invalid_request', error.message);
  if (error instanceof RateLimitedError) return new BusReplyError('rate_limited', error.message);
  if (error instanceof AllProvidersFailedError || error instanceof ProviderError) {
    const unknownEverywhere =
      error instanceof AllProvidersFailedError &&
      error.failures.length > 0 &&
      error.failures.every((failure) => failure instanceof UnknownSymbolError);
    return unknownEverywhere
      ? new BusReplyError('not_found', unknownSymbol)
      : new BusReplyError(
          'unavailable',
          `market data for ${request.symbol} is unavailable: ${error.message}`,
        );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Serves `md.history.get` in the data gateway's queue group, so N instances share the requests. */
export function serveHistory(bus: Bus, source: HistorySource, logger: Logger): Promise<Subscription> {
  return bus.serve(
    Subjects.historyRequest,
    Messages.historyRequest,
    Messages.historyResponse,
    async (message) => {
      const response = await answerHistoryRequest(source, message.data);
      logger.debug(
        {
          correlationId: message.correlationId,
          symbol: response.symbol,
          bars: response.bars.length,
          provider: response.provider,
        },
        'history served',
      );
      return response;
    },
    { queue: QueueGroups.dataGateway },
  );
}
