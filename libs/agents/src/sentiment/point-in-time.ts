import type {
  DatedNewsItem,
  EvidenceSnapshot,
  InsiderTransaction,
  InstitutionalHolding,
  SocialPost,
} from '@ats/contracts';

/**
 * The evidence of one symbol that a decision at `asOf` may use: items with `availableAt <= asOf` only. The
 * providers already leave later items out; filtering again here is defence in depth (a snapshot built for another
 * time, a planted item) and costs one comparison per item.
 */
export interface SymbolEvidence {
  readonly news: readonly DatedNewsItem[];
  readonly social: readonly SocialPost[];
  readonly insider: readonly InsiderTransaction[];
  readonly institutional: readonly InstitutionalHolding[];
}

export const NO_SYMBOL_EVIDENCE: SymbolEvidence = { news: [], social: [], insider: [], institutional: [] };

const instants = new WeakMap<object, number>();

/** Epoch ms of an item's `availableAt`, parsed once per item object. */
export function availableMs(item: { readonly availableAt: string }): number {
  let ms = instants.get(item);
  if (ms === undefined) {
    ms = Date.parse(item.availableAt);
    instants.set(item, ms);
  }
  return ms;
}

interface Index {
  readonly asOfMs: number;
  readonly bySymbol: Map<string, SymbolEvidence>;
}

/** Per snapshot, the last decision time it was indexed for (one index serves every symbol of a cycle). */
const indexes = new WeakMap<EvidenceSnapshot, Index>();

/** The items of `symbol` in `evidence` available at `asOfMs`, oldest first as the snapshot lists them. */
export function evidenceOf(
  evidence: EvidenceSnapshot | undefined,
  symbol: string,
  asOfMs: number,
): SymbolEvidence {
  if (evidence === undefined) return NO_SYMBOL_EVIDENCE;
  let index = indexes.get(evidence);
  if (index === undefined || index.asOfMs !== asOfMs) {
    index = { asOfMs, bySymbol: buildIndex(evidence, asOfMs) };
    indexes.set(evidence, index);
  }
  return index.bySymbol.get(symbol) ?? NO_SYMBOL_EVIDENCE;
}

type Mutable = {
  news: DatedNewsItem[];
  social: SocialPost[];
  insider: InsiderTransaction[];
  institutional: InstitutionalHolding[];
};

function buildIndex(evidence: EvidenceSnapshot, asOfMs: number): Map<string, SymbolEvidence> {
  const out = new Map<string, Mutable>();
  const of = (symbol: string): Mutable => {
    let e = out.get(symbol);
    if (e === undefined) {
      e = { news: [], social: [], insider: [], institutional: [] };
      out.set(symbol, e);
    }
    return e;
  };
  const visible = (item: { readonly availableAt: string }) => availableMs(item) <= asOfMs;
  for (const n of evidence.news) if (visible(n)) for (const s of new Set(n.symbols)) of(s).news.push(n);
  for (const p of evidence.social) if (visible(p)) for (const s of new Set(p.symbols)) of(s).social.push(p);
  for (const t of evidence.insider) if (visible(t)) of(t.symbol).insider.push(t);
  for (const h of evidence.institutional) if (visible(h)) of(h.symbol).institutional.push(h);
  return out;
}
