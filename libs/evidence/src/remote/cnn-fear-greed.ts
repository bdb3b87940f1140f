import type { MarketMoodReading } from '@ats/contracts';
import { type HttpProviderSettings, type HttpReply, ProviderHttpClient } from '@ats/market-data';
import { z } from 'zod';
import { availableFromNextOpen } from '../point-in-time';
import {
  isoDay,
  REMOTE_MAX_QUEUE_WAIT_MS,
  type RemoteEvidenceProvider,
  type RemoteEvidenceQuery,
} from './remote-provider';
import { parseReply } from './schema-reply';

export const CNN_DATAVIZ_BASE_URL = 'https://production.dataviz.cnn.io';
/** CNN's endpoint answers scripts that name themselves with HTTP 418 ("I'm a teapot"); it serves browsers. */
export const CNN_BROWSER_USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

const RatingSchema = z
  .string()
  .transform((r) => r.toLowerCase())
  .pipe(z.enum(['extreme fear', 'fear', 'neutral', 'greed', 'extreme greed']));

/** `GET /index/fearandgreed/graphdata/{YYYY-MM-DD}`: the current reading and the daily history since that date. */
export const CnnGraphDataSchema = z.object({
  fear_and_greed: z.object({
    score: z.number().min(0).max(100),
    rating: RatingSchema,
    timestamp: z.string(),
  }),
  fear_and_greed_historical: z.object({
    data: z.array(
      z.object({
        /** Epoch ms; daily points sit at 00:00 UTC of their day. */
        x: z.number(),
        y: z.number().min(0).max(100),
        rating: RatingSchema,
      }),
    ),
  }),
});

/**
 * CNN's own Fear & Greed data. The value for day D is end-of-day: it counts from the open of the first session
 * after D, as the data folder's readings do.
 */
export class CnnFearGreedProvider implements RemoteEvidenceProvider<'mood'> {
  readonly kind = 'mood';
  readonly name = 'cnn';
  readonly perSymbol = false;
  readonly http: ProviderHttpClient;
  readonly #baseUrl: string;

  constructor(options: HttpProviderSettings = {}) {
    this.#baseUrl = options.baseUrl ?? CNN_DATAVIZ_BASE_URL;
    this.http = new ProviderHttpClient(this.name, {
      quota: { requestsPerMinute: 10 },
      maxQueueWaitMs: REMOTE_MAX_QUEUE_WAIT_MS,
      userAgent: CNN_BROWSER_USER_AGENT,
      ...options,
    });
  }

  async fetch(query: RemoteEvidenceQuery): Promise<MarketMoodReading[]> {
    const url = new URL(`/index/fearandgreed/graphdata/${isoDay(query.from)}`, this.#baseUrl);
    return this.http.get(url, (reply) => this.#readings(reply));
  }

  #readings(reply: HttpReply): MarketMoodReading[] {
    const graph = parseReply(this.name, reply, CnnGraphDataSchema);
    const byDate = new Map<string, MarketMoodReading>();
    for (const point of graph.fear_and_greed_historical.data) {
      // The UTC day of the point; a late intraday point of D read as D+1 only makes it later, never earlier.
      const date = new Date(point.x).toISOString().slice(0, 10);
      byDate.set(date, {
        date,
        availableAt: availableFromNextOpen(date),
        value: point.y,
        rating: point.rating,
        source: this.name,
      });
    }
    return [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
  }
}
