import { BarSchema } from '@ats/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/** Open time of the last valid bar stored on a subject, or undefined when there is none. */
export type LastPublishedBar = (subject: string) => Promise<string | undefined>;

/** Reads the last bar of each subject from the stream, so a restarted live publisher resumes after it. */
export function lastBarInStream(nc: NatsConnection, stream: string): LastPublishedBar {
  const manager = jetstreamManager(nc);
  return async (subject) => {
    const jsm = await manager;
    const stored = await jsm.streams.getMessage(stream, { last_by_subj: subject });
    if (!stored) return undefined;
    const bar = BarSchema.safeParse(stored.json());
    return bar.success ? bar.data.ts : undefined;
  };
}
