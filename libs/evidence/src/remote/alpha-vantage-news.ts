import type { DatedNewsItem } from '@ats/contracts';
import { type AlphaVantageOptions, AlphaVantageProvider } from '@ats/market-data';
import type { RemoteEvidenceProvider, RemoteEvidenceQuery } from './remote-provider';

/** Articles per NEWS_SENTIMENT call (the API's maximum is 1000; a week of one ticker rarely needs more). */
const ARTICLES_PER_CALL = 200;

/**
 * Alpha Vantage NEWS_SENTIMENT through market-data's provider (one HTTP client, one quota): each article counts
 * from `time_published`. The publisher stays in `publisher`; `providerSentiment` is Alpha Vantage's own score.
 */
export class AlphaVantageNewsProvider implements RemoteEvidenceProvider<'news'> {
  readonly kind = 'news';
  readonly name = 'alpha-vantage';
  readonly perSymbol = true;
  readonly #provider: AlphaVantageProvider;

  constructor(provider: AlphaVantageProvider | AlphaVantageOptions) {
    this.#provider = provider instanceof AlphaVantageProvider ? provider : new AlphaVantageProvider(provider);
  }

  async fetch(query: RemoteEvidenceQuery): Promise<DatedNewsItem[]> {
    const symbol = query.symbol as string;
    const articles = await this.#provider.fetchNews({
      symbols: [symbol],
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      limit: ARTICLES_PER_CALL,
    });
    return articles.map((article) => ({
      ...article,
      id: `alpha-vantage-${article.id}`,
      source: this.name,
      availableAt: article.publishedAt,
      timePrecision: 'second' as const,
      symbols: article.symbols.includes(symbol) ? article.symbols : [symbol, ...article.symbols],
      publisher: article.source,
    }));
  }
}
