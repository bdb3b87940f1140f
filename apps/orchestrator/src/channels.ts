import type { StreamSpec } from '@ats/bus';
import { namespacedStream, namespacedSubject, Streams, Subjects } from '@ats/contracts';

export type CycleEventKind = 'started' | 'completed' | 'degraded';

/** Cycle subjects and the CYCLES stream; a namespace prefixes subjects and suffixes the stream (tests). */
export interface CycleChannels {
  readonly namespace: string | undefined;
  readonly cycleRequest: string;
  cycleEvent(kind: CycleEventKind): string;
  /** The team's decision context of each cycle (replay). */
  readonly cycleContext: string;
  readonly stream: StreamSpec;
}

/** Re-running a crashed cycle re-publishes its events under the same ids; an hour covers any restart. */
export const CYCLE_DEDUP_WINDOW_MS = 60 * 60 * 1000;

export function cycleChannels(namespace?: string): CycleChannels {
  const p = (subject: string) => namespacedSubject(namespace, subject);
  return {
    namespace,
    cycleRequest: p(Subjects.cycleRequest),
    cycleEvent: (kind) => p(Subjects.cycleEvent(kind)),
    cycleContext: p(Subjects.cycleContext),
    stream: {
      name: namespacedStream(namespace, Streams.cycles.name),
      subjects: Streams.cycles.subjects.map(p),
      duplicateWindowMs: CYCLE_DEDUP_WINDOW_MS,
    },
  };
}
