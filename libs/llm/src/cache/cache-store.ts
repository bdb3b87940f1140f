/** One stored answer: the validated JSON the model produced and what producing it cost. */
export interface CachedAnswer {
  readonly key: string;
  readonly provider: string;
  readonly model: string;
  /** The request's identity (what the key hashes), kept for audits. */
  readonly request: unknown;
  /** The answer JSON before schema parsing, so a hit parses it again exactly as the first time. */
  readonly answer: unknown;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd: number;
}

/** Where answers are kept between runs, by cache key (sha256 of the canonical request). */
export interface LlmCacheStore {
  get(key: string): Promise<CachedAnswer | undefined>;
  /** Keeps the first answer stored under a key; a later put with the same key changes nothing. */
  put(entry: CachedAnswer): Promise<void>;
}
