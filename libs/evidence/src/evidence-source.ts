import {
  type Clock,
  type EvidenceKind,
  type EvidenceRequest,
  type EvidenceSnapshot,
  type MarketMoodReading,
  type SourceStatus,
  systemClock,
} from '@ats/contracts';
import { EvidenceTimeline } from './evidence-timeline';
import { MOOD_MAX_AGE_DAYS, type WindowDays, windowDaysOf } from './evidence-windows';
import type { LocalEvidenceOptions } from './local/local-evidence';
import type { EvidenceItemByKind, RemoteEvidenceProvider } from './remote/remote-provider';
import { isoDay } from './remote/remote-provider';
import { sortByAvailableAt } from './timed-index';

/** Everything the sources know about some symbols at a decision time (`md.evidence.get`). */
export interface EvidenceSource {
  evidenceAt(request: EvidenceRequest): Promise<EvidenceSnapshot>;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** How long a remote answer is reused, by how fast each kind changes. */
export const EVIDENCE_CACHE_TTL_MS: Readonly<Record<EvidenceKind, number>> = {
  news: 15 * MINUTE_MS,
  social: 5 * MINUTE_MS,
  mood: 60 * MINUTE_MS,
  insider: 6 * 60 * MINUTE_MS,
  institutional: 24 * 60 * MINUTE_MS,
};
/**
 * Remote sources answer decisions within this long of now (live and paper trading, a weekend included); older
 * decision times are history, which the data folder serves the same way in every run.
 */
export const REMOTE_LIVE_WINDOW_MS = 4 * DAY_MS;

export interface ComposedEvidenceOptions {
  /** The data folder (DATA__DIR); undefined: every local kind reports itself unavailable. */
  readonly dataDir: string | undefined;
  readonly local?: LocalEvidenceOptions;
  readonly remote?: readonly RemoteEvidenceProvider[];
  readonly clock?: Clock;
  readonly liveWindowMs?: number;
  readonly cacheTtlMs?: Partial<Record<EvidenceKind, number>>;
}

interface CachedFetch {
  readonly expiresAt: number;
  readonly items: Promise<readonly EvidenceItemByKind[EvidenceKind][]>;
}

type RemoteAnswer = {
  readonly kind: EvidenceKind;
  readonly items: EvidenceItemByKind[EvidenceKind][];
  readonly status: SourceStatus;
};

/**
 * Local files for history, remote APIs for recent decision times. Each source reports `ok`, `unavailable` or
 * `failed` with a reason in `sources`; a remote source that fails costs only its own items. Remote answers are
 * cached per source, symbol and window start for a TTL that suits the kind, and filtered to `availableAt <= asOf`
 * like everything else.
 */
export class ComposedEvidenceSource implements EvidenceSource {
  readonly #options: ComposedEvidenceOptions;
  readonly #clock: Clock;
  readonly #cache = new Map<string, CachedFetch>();
  #timeline: Promise<EvidenceTimeline> | undefined;

  constructor(options: ComposedEvidenceOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** The remote providers in use (their names appear in `sources`). */
  get remoteProviders(): readonly RemoteEvidenceProvider[] {
    return this.#options.remote ?? [];
  }

  async evidenceAt(request: EvidenceRequest): Promise<EvidenceSnapshot> {
    const asOfMs = Date.parse(request.asOf);
    if (!Number.isFinite(asOfMs)) throw new RangeError(`asOf is not a time: ${request.asOf}`);
    const windows = windowDaysOf(request);
    this.#timeline ??= EvidenceTimeline.load(this.#options.dataDir, this.#options.local ?? {});
    const local = (await this.#timeline).at(asOfMs, request.symbols, windows);
    const remote = this.remoteProviders;
    if (remote.length === 0) return local;
    const nowMs = this.#clock.now().getTime();
    const liveWindowMs = this.#options.liveWindowMs ?? REMOTE_LIVE_WINDOW_MS;
    if (nowMs - asOfMs > liveWindowMs) {
      const reason = `asOf is more than ${Math.round(liveWindowMs / DAY_MS)} days ago: history comes from the data folder`;
      return {
        ...local,
        sources: [
          ...local.sources,
          ...remote.map((p) => ({ kind: p.kind, source: p.name, status: 'unavailable' as const, reason })),
        ],
      };
    }
    const answers = await Promise.all(
      remote.map((p) => this.#ask(p, request.symbols, asOfMs, windows, nowMs)),
    );
    return merge(local, answers, asOfMs);
  }

  async #ask(
    provider: RemoteEvidenceProvider,
    symbols: readonly string[],
    asOfMs: number,
    windows: WindowDays,
    nowMs: number,
  ): Promise<RemoteAnswer> {
    const days = provider.kind === 'mood' ? MOOD_MAX_AGE_DAYS : windows[provider.kind];
    const fromMs = asOfMs - days * DAY_MS;
    const asked = provider.perSymbol ? symbols : [undefined];
    const settled = await Promise.allSettled(
      asked.map((s) => this.#cached(provider, s, fromMs, asOfMs, nowMs)),
    );
    const wanted = new Set(symbols);
    const items: EvidenceItemByKind[EvidenceKind][] = [];
    const failures: string[] = [];
    settled.forEach((result, i) => {
      if (result.status === 'rejected') {
        const symbol = asked[i];
        failures.push(`${symbol ? `${symbol}: ` : ''}${(result.reason as Error).message}`);
        return;
      }
      for (const item of result.value) {
        const t = Date.parse(item.availableAt);
        if (t > fromMs && t <= asOfMs && isAbout(item, wanted)) items.push(item);
      }
    });
    const status: SourceStatus =
      failures.length > 0
        ? { kind: provider.kind, source: provider.name, status: 'failed', reason: failures.join('; ') }
        : { kind: provider.kind, source: provider.name, status: 'ok' };
    return { kind: provider.kind, items, status };
  }

  #cached(
    provider: RemoteEvidenceProvider,
    symbol: string | undefined,
    fromMs: number,
    asOfMs: number,
    nowMs: number,
  ): Promise<readonly EvidenceItemByKind[EvidenceKind][]> {
    const from = new Date(fromMs);
    const key = `${provider.name}|${symbol ?? '*'}|${isoDay(from)}`;
    const hit = this.#cache.get(key);
    if (hit && hit.expiresAt > nowMs) return hit.items;
    const ttl = this.#options.cacheTtlMs?.[provider.kind] ?? EVIDENCE_CACHE_TTL_MS[provider.kind];
    const items = provider.fetch({ symbol, from, to: new Date(Math.max(asOfMs, nowMs)) });
    this.#cache.set(key, { expiresAt: nowMs + ttl, items });
    // A failure is not remembered: the next decision asks again.
    items.catch(() => {
      if (this.#cache.get(key)?.items === items) this.#cache.delete(key);
    });
    return items;
  }
}

function isAbout(item: EvidenceItemByKind[EvidenceKind], wanted: ReadonlySet<string>): boolean {
  if ('symbols' in item) return item.symbols.some((s) => wanted.has(s));
  if ('symbol' in item) return wanted.has(item.symbol);
  return true; // market-wide (mood)
}

/** Local and remote items per kind, de-duplicated by id, oldest first; mood is the latest reading available. */
function merge(local: EvidenceSnapshot, answers: readonly RemoteAnswer[], asOfMs: number): EvidenceSnapshot {
  const of = <K extends EvidenceKind>(kind: K) =>
    answers.filter((a) => a.kind === kind).flatMap((a) => a.items as EvidenceItemByKind[K][]);
  const union = <T extends { id: string; availableAt: string }>(mine: readonly T[], theirs: readonly T[]) => {
    const seen = new Set(mine.map((i) => i.id));
    return sortByAvailableAt([...mine, ...theirs.filter((i) => !seen.has(i.id) && seen.add(i.id))]);
  };
  let mood: MarketMoodReading | null = local.mood;
  for (const reading of of('mood')) {
    const t = Date.parse(reading.availableAt);
    if (asOfMs - t > MOOD_MAX_AGE_DAYS * DAY_MS) continue;
    if (mood === null || t > Date.parse(mood.availableAt)) mood = reading;
  }
  return {
    ...local,
    news: union(local.news, of('news')),
    social: union(local.social, of('social')),
    mood,
    insider: union(local.insider, of('insider')),
    institutional: union(local.institutional, of('institutional')),
    sources: [...local.sources, ...answers.map((a) => a.status)],
  };
}
