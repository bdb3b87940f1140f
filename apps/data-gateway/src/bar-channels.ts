import type { StreamSpec } from '@ats/bus';
import {
  type Bar,
  namespacedStream,
  namespacedSubject,
  Streams,
  Subjects,
  type Timeframe,
} from '@ats/contracts';

/** Published bars and the MARKET_DATA stream; a namespace prefixes subjects and suffixes the stream (tests). */
export interface BarChannels {
  readonly namespace: string | undefined;
  readonly stream: StreamSpec;
  bar(timeframe: Timeframe, symbol: string): string;
}

/**
 * A bar published twice within this window is stored once: covers a restarted live publisher and a replay run
 * again soon after (the live publisher also resumes after the last bar in the stream, so it rarely needs it).
 */
export const BAR_DEDUP_WINDOW_MS = 60 * 60 * 1000;

export function barChannels(namespace?: string): BarChannels {
  const p = (subject: string) => namespacedSubject(namespace, subject);
  return {
    namespace,
    stream: {
      name: namespacedStream(namespace, Streams.marketData.name),
      subjects: Streams.marketData.subjects.map(p),
      duplicateWindowMs: BAR_DEDUP_WINDOW_MS,
    },
    bar: (timeframe, symbol) => p(Subjects.bar(timeframe, symbol)),
  };
}

/** JetStream de-duplication key of a bar: one message per symbol, timeframe and bar open time. */
export function barMessageId(bar: Pick<Bar, 'symbol' | 'timeframe' | 'ts'>): string {
  return `${bar.symbol}.${bar.timeframe}.${bar.ts}`;
}
