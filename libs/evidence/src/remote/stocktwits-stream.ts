import { type SocialPost, SymbolSchema } from '@ats/contracts';
import {
  type HttpProviderSettings,
  type HttpReply,
  ProviderHttpClient,
  snippet,
  UnknownSymbolError,
} from '@ats/market-data';
import { z } from 'zod';
import {
  REMOTE_MAX_QUEUE_WAIT_MS,
  type RemoteEvidenceProvider,
  type RemoteEvidenceQuery,
} from './remote-provider';
import { parseReply } from './schema-reply';

export const STOCKTWITS_BASE_URL = 'https://api.stocktwits.com';
/** Unauthenticated limit: 200 requests per hour per IP. */
export const STOCKTWITS_HOURLY_LIMIT = { limit: 200, windowMs: 3_600_000 } as const;

/** `GET /api/2/streams/symbol/{SYMBOL}.json`: the latest 30 messages of a symbol's stream. */
const StocktwitsMessageSchema = z.object({
  id: z.number().int(),
  body: z.string(),
  created_at: z.iso.datetime(),
  user: z.object({ followers: z.number().int().nonnegative().optional() }),
  symbols: z.array(z.object({ symbol: z.string() })).optional(),
  entities: z
    .object({
      sentiment: z
        .object({ basic: z.enum(['Bullish', 'Bearish']) })
        .nullable()
        .optional(),
    })
    .optional(),
  /** Present when the message reshares another. */
  reshare_message: z.unknown().optional(),
});
export const StocktwitsStreamSchema = z.object({
  symbol: z.object({ symbol: z.string() }),
  cursor: z.object({
    more: z.boolean().optional(),
    since: z.number().optional(),
    max: z.number().optional(),
  }),
  messages: z.array(StocktwitsMessageSchema),
});

const SENTIMENT = { Bullish: 1, Bearish: -1 } as const;

/** StockTwits symbol stream: each message counts from `created_at`; the author's Bullish/Bearish tag is kept. */
export class StocktwitsProvider implements RemoteEvidenceProvider<'social'> {
  readonly kind = 'social';
  readonly name = 'stocktwits';
  readonly perSymbol = true;
  readonly http: ProviderHttpClient;
  readonly #baseUrl: string;

  constructor(options: HttpProviderSettings = {}) {
    this.#baseUrl = options.baseUrl ?? STOCKTWITS_BASE_URL;
    this.http = new ProviderHttpClient(this.name, {
      windows: [STOCKTWITS_HOURLY_LIMIT],
      maxQueueWaitMs: REMOTE_MAX_QUEUE_WAIT_MS,
      ...options,
    });
  }

  async fetch(query: RemoteEvidenceQuery): Promise<SocialPost[]> {
    const symbol = query.symbol as string;
    const url = new URL(`/api/2/streams/symbol/${encodeURIComponent(symbol)}.json`, this.#baseUrl);
    return this.http.get(url, (reply) => this.#posts(reply, symbol));
  }

  #posts(reply: HttpReply, symbol: string): SocialPost[] {
    // StockTwits answers an unknown ticker with 404 and `errors: [{message: "Symbol not found"}]`.
    if (reply.status === 404)
      throw new UnknownSymbolError(this.name, symbol, `HTTP 404 ${snippet(reply.body)}`);
    const stream = parseReply(this.name, reply, StocktwitsStreamSchema);
    return stream.messages
      .filter((message) => message.body.trim() !== '')
      .map((message) => {
        const postedAt = new Date(message.created_at).toISOString();
        const tagged = (message.symbols ?? [])
          .map((s) => s.symbol.toUpperCase())
          .filter((s) => s !== symbol && SymbolSchema.safeParse(s).success);
        const basic = message.entities?.sentiment?.basic;
        return {
          id: `stocktwits-${message.id}`,
          source: this.name,
          symbols: [symbol, ...new Set(tagged)],
          postedAt,
          availableAt: postedAt,
          text: message.body,
          isRepost: message.reshare_message !== undefined && message.reshare_message !== null,
          ...(message.user.followers === undefined ? {} : { authorFollowers: message.user.followers }),
          ...(basic === undefined ? {} : { authorSentiment: SENTIMENT[basic] }),
        };
      });
  }
}
