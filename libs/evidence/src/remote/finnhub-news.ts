import type { DatedNewsItem } from '@ats/contracts';
import { type HttpProviderSettings, type HttpReply, ProviderHttpClient } from '@ats/market-data';
import { z } from 'zod';
import {
  isoDay,
  REMOTE_MAX_QUEUE_WAIT_MS,
  type RemoteEvidenceProvider,
  type RemoteEvidenceQuery,
} from './remote-provider';
import { parseReply } from './schema-reply';

export const FINNHUB_BASE_URL = 'https://finnhub.io';
/** Free plan: 60 API calls per minute. */
export const FINNHUB_FREE_QUOTA = { requestsPerMinute: 60 } as const;

/** One article of `GET /api/v1/company-news` (finnhub.io/docs/api/company-news). */
const FinnhubArticleSchema = z.object({
  category: z.string(),
  /** Publication time, UNIX seconds. */
  datetime: z.number().int().positive(),
  headline: z.string(),
  id: z.number().int(),
  image: z.string(),
  related: z.string(),
  source: z.string(),
  summary: z.string(),
  url: z.string(),
});
export const FinnhubCompanyNewsSchema = z.array(FinnhubArticleSchema);

export interface FinnhubNewsOptions extends HttpProviderSettings {
  readonly apiKey: string;
}

/** Finnhub company news: each article counts from its publication time (`datetime`). */
export class FinnhubNewsProvider implements RemoteEvidenceProvider<'news'> {
  readonly kind = 'news';
  readonly name = 'finnhub';
  readonly perSymbol = true;
  readonly http: ProviderHttpClient;
  readonly #apiKey: string;
  readonly #baseUrl: string;

  constructor(options: FinnhubNewsOptions) {
    this.#apiKey = options.apiKey;
    this.#baseUrl = options.baseUrl ?? FINNHUB_BASE_URL;
    this.http = new ProviderHttpClient(this.name, {
      quota: FINNHUB_FREE_QUOTA,
      maxQueueWaitMs: REMOTE_MAX_QUEUE_WAIT_MS,
      ...options,
    });
  }

  async fetch(query: RemoteEvidenceQuery): Promise<DatedNewsItem[]> {
    const symbol = query.symbol as string;
    const url = new URL('/api/v1/company-news', this.#baseUrl);
    url.searchParams.set('symbol', symbol);
    url.searchParams.set('from', isoDay(query.from));
    url.searchParams.set('to', isoDay(query.to));
    url.searchParams.set('token', this.#apiKey);
    return this.http.get(url, (reply) => this.#articles(reply, symbol));
  }

  #articles(reply: HttpReply, symbol: string): DatedNewsItem[] {
    return parseReply(this.name, reply, FinnhubCompanyNewsSchema)
      .filter((article) => article.headline.trim() !== '')
      .map((article) => {
        const publishedAt = new Date(article.datetime * 1000).toISOString();
        return {
          id: `finnhub-${article.id}`,
          source: this.name,
          publishedAt,
          availableAt: publishedAt,
          timePrecision: 'second' as const,
          title: article.headline,
          summary: article.summary,
          ...(URL.canParse(article.url) ? { url: article.url } : {}),
          symbols: [symbol],
          ...(article.source ? { publisher: article.source } : {}),
        };
      });
  }
}
