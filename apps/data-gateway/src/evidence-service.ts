import { type Bus, BusReplyError, type Subscription } from '@ats/bus';
import { EvidenceMessages, type EvidenceRequest, QueueGroups, Subjects } from '@ats/contracts';
import { type EvidenceSource, unavailableEvidence } from '@ats/market-data';
import type { Logger } from '@ats/observability';

/** Answers one evidence request; without a source every kind is reported unavailable, never silently empty. */
export async function answerEvidenceRequest(source: EvidenceSource | undefined, request: EvidenceRequest) {
  if (!source) return unavailableEvidence(request, 'no evidence source configured on the data gateway');
  try {
    return await source.evidenceAt(request);
  } catch (error) {
    // A source that fails as a whole (not one provider, which it reports in `sources`) is the gateway's outage.
    throw new BusReplyError(
      'unavailable',
      `evidence of ${request.symbols.join(',')} at ${request.asOf} is unavailable (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/**
 * Serves `md.evidence.get` in the data gateway's queue group: point-in-time news, social, mood, insider and 13F
 * evidence. The bus validates requests and replies (an invalid request is answered `invalid_request` and
 * dead-lettered).
 */
export function serveEvidence(
  bus: Bus,
  source: EvidenceSource | undefined,
  logger: Logger,
  subject: string = Subjects.evidenceRequest,
): Promise<Subscription> {
  return bus.serve(
    subject,
    EvidenceMessages.evidenceRequest,
    EvidenceMessages.evidenceSnapshot,
    async (message) => {
      const snapshot = await answerEvidenceRequest(source, message.data);
      logger.debug(
        {
          correlationId: message.correlationId,
          symbols: message.data.symbols,
          asOf: message.data.asOf,
          news: snapshot.news.length,
          social: snapshot.social.length,
          insider: snapshot.insider.length,
          institutional: snapshot.institutional.length,
          mood: snapshot.mood?.value ?? null,
        },
        'evidence served',
      );
      return snapshot;
    },
    { queue: QueueGroups.dataGateway },
  );
}
