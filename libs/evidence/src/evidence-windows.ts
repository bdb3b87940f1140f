import type { EvidenceRequest } from '@ats/contracts';

/** Look-back per kind in days when the request names none: news and chatter fade in days, filings in quarters. */
export const DEFAULT_WINDOW_DAYS = { news: 7, social: 7, insider: 90, institutional: 200 } as const;
/** A fear & greed reading older than this is stale (longer than any exchange closure plus the archive's gaps). */
export const MOOD_MAX_AGE_DAYS = 10;

export type WindowDays = { readonly [K in keyof typeof DEFAULT_WINDOW_DAYS]: number };

export function windowDaysOf(request: Pick<EvidenceRequest, 'windowDays'> | undefined): WindowDays {
  const asked = request?.windowDays ?? {};
  return {
    news: asked.news ?? DEFAULT_WINDOW_DAYS.news,
    social: asked.social ?? DEFAULT_WINDOW_DAYS.social,
    insider: asked.insider ?? DEFAULT_WINDOW_DAYS.insider,
    institutional: asked.institutional ?? DEFAULT_WINDOW_DAYS.institutional,
  };
}
