import type { BarsResponse, Clock } from '@ats/contracts';
import { LRUCache } from 'lru-cache';

/** Enough for every seed symbol × a few hundred distinct ranges; each entry is one serialised response. */
export const BARS_CACHE_MAX_ENTRIES = 2_000;
/** Bar data can be corrected by the provider (splits, late prints); a day bounds how long a stale copy lives. */
export const BARS_CACHE_TTL_MS = 24 * 60 * 60_000;

export interface BarsKey {
  readonly symbol: string;
  readonly timeframe: string;
  readonly from: string;
  readonly to: string;
}

/**
 * Serialised bars responses (JSON bytes) for ranges that end before today (UTC): those bars are closed and do not change,
 * so repeated chart loads need no NATS round trip. Ranges reaching today are never cached (the bar is still forming).
 */
export class BarsCache {
  readonly #entries = new LRUCache<string, Buffer>({ max: BARS_CACHE_MAX_ENTRIES, ttl: BARS_CACHE_TTL_MS });
  #hits = 0;
  #misses = 0;

  constructor(private readonly clock: Clock) {}

  isCacheable(key: BarsKey): boolean {
    const today = this.clock.now().toISOString().slice(0, 10);
    return key.to < today;
  }

  get(key: BarsKey): Buffer | undefined {
    const hit = this.#entries.get(keyOf(key));
    if (hit === undefined) this.#misses += 1;
    else this.#hits += 1;
    return hit;
  }

  /**
   * Stores the response when its range is closed; returns its JSON either way, as UTF-8 bytes: a hit is then sent
   * as is, with no serialising or encoding per request.
   */
  put(key: BarsKey, response: BarsResponse): Buffer {
    const json = Buffer.from(JSON.stringify(response));
    if (this.isCacheable(key)) this.#entries.set(keyOf(key), json);
    return json;
  }

  stats(): { entries: number; hits: number; misses: number } {
    return { entries: this.#entries.size, hits: this.#hits, misses: this.#misses };
  }
}

const keyOf = (k: BarsKey) => `${k.symbol}|${k.timeframe}|${k.from}|${k.to}`;
