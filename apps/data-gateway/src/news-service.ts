import type { Bus, Subscription } from '@ats/bus';
import { Messages, QueueGroups, Subjects } from '@ats/contracts';
import type { MarketDataSource } from '@ats/market-data';
import type { Logger } from '@ats/observability';
import { toReplyError } from './reply-errors';

/** Serves `md.news.get`: articles about the symbols through the failover chain, cached for the news TTL. */
export function serveNews(
  bus: Bus,
  source: Pick<MarketDataSource, 'getNews'>,
  logger: Logger,
  subject: string = Subjects.newsRequest,
): Promise<Subscription> {
  return bus.serve(
    subject,
    Messages.newsRequest,
    Messages.newsResponse,
    async (message) => {
      const { symbols, from, to, limit } = message.data;
      try {
        const news = await source.getNews({
          symbols,
          limit,
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
        });
        logger.debug(
          {
            correlationId: message.correlationId,
            symbols,
            items: news.items.length,
            provider: news.provider,
          },
          'news served',
        );
        return news;
      } catch (error) {
        throw toReplyError(error, `news of ${symbols.join(',')}`, symbols);
      }
    },
    { queue: QueueGroups.dataGateway },
  );
}
