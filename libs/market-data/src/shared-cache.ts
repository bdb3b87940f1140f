import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

/** A string cache shared by every gateway instance (L2). Entries vanish after the store's own TTL. */
export interface SharedCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** NATS KV allows `-/_=.a-zA-Z0-9` in keys; everything else becomes `_`. */
export function sharedCacheKey(key: string): string {
  return key.replace(/[^-/_=.a-zA-Z0-9]/g, '_');
}

export interface NatsKvCacheOptions {
  readonly bucket: string;
  /** Bucket-wide TTL: NATS 2.9 has no per-key TTL, so shorter TTLs are enforced by the reader. */
  readonly ttlMs: number;
}

/** L2 on a JetStream KV bucket (history 1, bucket-wide max age). */
export class NatsKvCache implements SharedCache {
  private constructor(
    readonly bucket: string,
    private readonly kv: KV,
  ) {}

  /** Creates the bucket if missing, or binds to it (same options) when another instance made it first. */
  static async open(nc: NatsConnection, options: NatsKvCacheOptions): Promise<NatsKvCache> {
    const kv = await new Kvm(nc).create(options.bucket, { ttl: options.ttlMs, history: 1 });
    return new NatsKvCache(options.bucket, kv);
  }

  async get(key: string): Promise<string | undefined> {
    const entry = await this.kv.get(sharedCacheKey(key));
    return entry && entry.operation === 'PUT' ? entry.string() : undefined;
  }

  async set(key: string, value: string): Promise<void> {
    await this.kv.put(sharedCacheKey(key), value);
  }

  async delete(key: string): Promise<void> {
    await this.kv.delete(sharedCacheKey(key));
  }

  /** Deletes the bucket and everything in it (tests, decommissioning). */
  async destroy(): Promise<void> {
    await this.kv.destroy();
  }
}

/** Process-local SharedCache for tests and single-instance runs. */
export class InMemorySharedCache implements SharedCache {
  readonly entries = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.entries.get(sharedCacheKey(key));
  }
  async set(key: string, value: string): Promise<void> {
    this.entries.set(sharedCacheKey(key), value);
  }
  async delete(key: string): Promise<void> {
    this.entries.delete(sharedCacheKey(key));
  }
}
