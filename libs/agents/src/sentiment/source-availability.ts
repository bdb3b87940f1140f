import type { EvidenceSnapshot } from '@ats/contracts';

/** Whether a flow reached this decision, and why not when it did not. */
export type Availability =
  | { readonly available: true }
  | { readonly available: false; readonly reason: string };

export type FlowKind = 'insider' | 'institutional';

/**
 * A flow is available when one of its sources answered (status `ok`) or items of it arrived; otherwise the reason is
 * the sources' own (not configured, offline, failed), or that the run has no evidence source at all.
 */
export function availabilityOf(evidence: EvidenceSnapshot | undefined, kind: FlowKind): Availability {
  if (evidence === undefined) return { available: false, reason: 'no evidence source in this run' };
  const statuses = evidence.sources.filter((s) => s.kind === kind);
  if (statuses.some((s) => s.status === 'ok') || evidence[kind].length > 0) return { available: true };
  if (statuses.length === 0) return { available: false, reason: `no ${kind} source reported` };
  return {
    available: false,
    reason: statuses.map((s) => `${s.source} ${s.status}${s.reason ? ` (${s.reason})` : ''}`).join('; '),
  };
}
