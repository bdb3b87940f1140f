import { namespacedStream, namespacedSubject, Streams, Subjects, type Timeframe } from '@ats/contracts';

/** The data gateway's subjects a client uses; a namespace prefixes them and suffixes the stream (tests, stacks). */
export interface DataGatewaySubjects {
  readonly history: string;
  readonly evidence: string;
  /** Where the gateway publishes new bars (JetStream MARKET_DATA, also seen by core subscribers). */
  bar(timeframe: Timeframe, symbol: string): string;
  /** The stream holding published bars. */
  readonly barStream: string;
}

export function dataGatewaySubjects(namespace?: string): DataGatewaySubjects {
  const p = (subject: string) => namespacedSubject(namespace, subject);
  return {
    history: p(Subjects.historyRequest),
    evidence: p(Subjects.evidenceRequest),
    bar: (timeframe, symbol) => p(Subjects.bar(timeframe, symbol)),
    barStream: namespacedStream(namespace, Streams.marketData.name),
  };
}
