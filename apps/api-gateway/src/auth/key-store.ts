import type { ApiKeySummary, ApiScope, Clock, IssuedApiKey } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import { LRUCache } from 'lru-cache';
import { issueSecret, parseToken, secretMatches } from './api-key';

/**
 * How long a looked-up key is trusted without asking Postgres again. Revocation or rotation through this process
 * takes effect at once; through another process (the CLI, a second gateway) within this time.
 */
export const KEY_CACHE_TTL_MS = 10_000;
/** lastUsedAt is bookkeeping, not an audit trail: one write per key per minute is enough. */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export interface AuthenticatedKey {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly scopes: readonly string[];
}

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  scopes: string[];
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export class ApiKeyNotFoundError extends Error {
  override readonly name = 'ApiKeyNotFoundError';
  constructor(readonly keyId: string) {
    super(`no API key ${keyId}`);
  }
}

export class ApiKeyRevokedError extends Error {
  override readonly name = 'ApiKeyRevokedError';
  constructor(readonly keyId: string) {
    super(`API key ${keyId} is revoked`);
  }
}

export function summarise(row: KeyRow): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as ApiScope[],
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

/** API keys in the ApiKey table (hash only), with a short-lived lookup cache for the request path. */
export class ApiKeyStore {
  // `null` caches "no such active key", so unknown prefixes do not cost a query each.
  readonly #byPrefix = new LRUCache<string, KeyRow | { missing: true }>({
    max: 10_000,
    ttl: KEY_CACHE_TTL_MS,
  });
  readonly #byId = new LRUCache<string, KeyRow | { missing: true }>({ max: 10_000, ttl: KEY_CACHE_TTL_MS });
  readonly #lastTouched = new Map<string, number>();

  constructor(
    private readonly db: PrismaClient,
    private readonly clock: Clock,
    private readonly onBackgroundError: (error: unknown) => void = () => {},
  ) {}

  async create(name: string, scopes: readonly ApiScope[]): Promise<IssuedApiKey> {
    const secret = issueSecret();
    const row = await this.db.apiKey.create({
      data: { name, scopes: [...new Set(scopes)], prefix: secret.prefix, hash: secret.hash },
    });
    return { ...summarise(row), key: secret.token };
  }

  async list(): Promise<ApiKeySummary[]> {
    const rows = await this.db.apiKey.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    return rows.map(summarise);
  }

  async revoke(id: string): Promise<ApiKeySummary> {
    const row = await this.db.apiKey.findUnique({ where: { id } });
    if (!row) throw new ApiKeyNotFoundError(id);
    const revoked = row.revokedAt
      ? row
      : await this.db.apiKey.update({ where: { id }, data: { revokedAt: this.clock.now() } });
    this.#forget(row);
    return summarise(revoked);
  }

  /** New secret (and prefix) for the same key id, so audit history stays joined; the old secret stops working. */
  async rotate(id: string): Promise<IssuedApiKey> {
    const row = await this.db.apiKey.findUnique({ where: { id } });
    if (!row) throw new ApiKeyNotFoundError(id);
    if (row.revokedAt) throw new ApiKeyRevokedError(id);
    const secret = issueSecret();
    const rotated = await this.db.apiKey.update({
      where: { id },
      data: { prefix: secret.prefix, hash: secret.hash },
    });
    this.#forget(row);
    return { ...summarise(rotated), key: secret.token };
  }

  /** The active key a presented token belongs to, or undefined (unknown, wrong secret or revoked). */
  async authenticate(token: string): Promise<AuthenticatedKey | undefined> {
    const parsed = parseToken(token);
    if (!parsed) return undefined;
    let row = this.#byPrefix.get(parsed.prefix);
    if (row === undefined) {
      const found = await this.db.apiKey.findUnique({ where: { prefix: parsed.prefix } });
      row = found && !found.revokedAt ? found : { missing: true };
      this.#byPrefix.set(parsed.prefix, row);
    }
    if ('missing' in row || !secretMatches(parsed.secret, row.hash)) return undefined;
    this.#touch(row.id);
    return { id: row.id, name: row.name, prefix: row.prefix, scopes: row.scopes };
  }

  /** The active key with this id (for signed access tokens), or undefined when revoked or gone. */
  async activeById(id: string): Promise<AuthenticatedKey | undefined> {
    let row = this.#byId.get(id);
    if (row === undefined) {
      const found = await this.db.apiKey.findUnique({ where: { id } });
      row = found && !found.revokedAt ? found : { missing: true };
      this.#byId.set(id, row);
    }
    if ('missing' in row) return undefined;
    return { id: row.id, name: row.name, prefix: row.prefix, scopes: row.scopes };
  }

  #forget(row: KeyRow): void {
    this.#byPrefix.delete(row.prefix);
    this.#byId.delete(row.id);
  }

  #touch(id: string): void {
    const now = this.clock.now();
    const last = this.#lastTouched.get(id) ?? 0;
    if (now.getTime() - last < LAST_USED_WRITE_INTERVAL_MS) return;
    this.#lastTouched.set(id, now.getTime());
    // Off the request path; a failed bookkeeping write must not fail the request, so it is retried next minute.
    this.db.apiKey.update({ where: { id }, data: { lastUsedAt: now } }).catch((error: unknown) => {
      this.#lastTouched.delete(id);
      this.onBackgroundError(error);
    });
  }
}
