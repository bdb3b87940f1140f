import type { Bus, Subscription } from '@ats/bus';
import { Messages, QueueGroups, Subjects } from '@ats/contracts';
import type { MarketDataSource } from '@ats/market-data';
import type { Logger } from '@ats/observability';
import { toReplyError } from './reply-errors';

/** Serves `md.quote.get`: the latest quote through the failover chain, cached for the quote TTL (1 minute). */
export function serveQuotes(
  bus: Bus,
  source: Pick<MarketDataSource, 'getQuote'>,
  logger: Logger,
  subject: string = Subjects.quoteRequest,
): Promise<Subscription> {
  return bus.serve(
    subject,
    Messages.quoteRequest,
    Messages.quote,
    async (message) => {
      const { symbol } = message.data;
      try {
        const quote = await source.getQuote(symbol);
        logger.debug(
          { correlationId: message.correlationId, symbol, provider: quote.provider },
          'quote served',
        );
        return quote;
      } catch (error) {
        throw toReplyError(error, `a quote of ${symbol}`, [symbol]);
      }
    },
    { queue: QueueGroups.dataGateway },
  );
}
