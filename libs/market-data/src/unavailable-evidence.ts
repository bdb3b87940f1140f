import { EVIDENCE_KINDS, type EvidenceRequest, type EvidenceSnapshot } from '@ats/contracts';

/**
 * The answer when no evidence source is configured: every kind reported unavailable (never silently empty), so an
 * agent says it decided without news, social, mood, insider or 13F data rather than reading silence as neutral.
 */
export function unavailableEvidence(request: EvidenceRequest, reason: string): EvidenceSnapshot {
  return {
    asOf: request.asOf,
    symbols: [...request.symbols],
    news: [],
    social: [],
    mood: null,
    insider: [],
    institutional: [],
    sources: EVIDENCE_KINDS.map((kind) => ({ kind, source: 'none', status: 'unavailable' as const, reason })),
  };
}
