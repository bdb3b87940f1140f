import { randomBytes } from 'node:crypto';
import {
  AgentMessages,
  Headers,
  IndicatorMessages,
  Messages,
  type MessageType,
  Subjects,
} from '@ats/contracts';
import { type MsgHdrs, headers as natsHeaders } from '@nats-io/transport-node';

/** The request subjects the services serve, with the message type each expects. */
export const SERVED_SUBJECTS: ReadonlyArray<readonly [string, MessageType]> = [
  [Subjects.analyze('technical'), AgentMessages.analyzeSignalRequest],
  [Subjects.analyze('sentiment'), AgentMessages.analyzeSignalRequest],
  [Subjects.analyze('risk'), AgentMessages.assessRiskRequest],
  [Subjects.analyze('portfolio'), AgentMessages.planPortfolioRequest],
  [Subjects.historyRequest, Messages.historyRequest],
  [Subjects.quoteRequest, Messages.quoteRequest],
  [Subjects.newsRequest, Messages.newsRequest],
  [Subjects.indicatorsRequest, IndicatorMessages.indicatorsRequest],
];

/** A large payload that stays under nats-server's default 1 MiB max_payload. */
export const HUGE_PAYLOAD_BYTES = 900_000;
/** One message in this many is a huge one (keeps the flood's volume near 100 MB). */
const HUGE_EVERY = 100;

export type MalformedKind =
  | 'random_bytes'
  | 'wrong_type'
  | 'wrong_version'
  | 'malformed_json'
  | 'schema_violation'
  | 'huge_schema_violation';

export interface MalformedMessage {
  readonly subject: string;
  readonly kind: MalformedKind;
  readonly data: Uint8Array;
  readonly headers?: MsgHdrs;
}

const encoder = new TextEncoder();
/** Valid JSON that no request schema accepts: wrong types, missing fields, wrong containers. */
const WRONG_SHAPES = [
  '{"symbol":42}',
  '{}',
  '[]',
  'null',
  '"AAPL"',
  '{"ctx":{"asOf":"not a date"},"priorDecisions":"none"}',
  '{"symbol":"","from":"2023-02-01","to":"2023-01-01"}',
  '{"symbols":[]}',
  '{"symbol":"a b c; DROP TABLE bars"}',
];

function envelope(type: string, version: string): MsgHdrs {
  const h = natsHeaders();
  h.set(Headers.messageType, type);
  h.set(Headers.schemaVersion, version);
  h.set(Headers.correlationId, `chaos-${randomBytes(4).toString('hex')}`);
  h.set(Headers.producer, 'chaos');
  return h;
}

/** The i-th message of the flood: subjects and kinds rotate so every service sees every kind. */
export function malformedMessage(i: number): MalformedMessage {
  const [subject, type] = SERVED_SUBJECTS[i % SERVED_SUBJECTS.length] as readonly [string, MessageType];
  const version = String(type.version);
  if (i % HUGE_EVERY === HUGE_EVERY - 1) {
    const body = JSON.stringify({ symbol: 'AAPL', pad: 'x'.repeat(HUGE_PAYLOAD_BYTES) });
    return {
      subject,
      kind: 'huge_schema_violation',
      data: encoder.encode(body),
      headers: envelope(type.name, version),
    };
  }
  switch (Math.floor(i / SERVED_SUBJECTS.length) % 5) {
    case 0:
      return { subject, kind: 'random_bytes', data: randomBytes(1 + (i % 512)) };
    case 1:
      return {
        subject,
        kind: 'wrong_type',
        data: encoder.encode('{}'),
        headers: envelope('NotAType', version),
      };
    case 2:
      return {
        subject,
        kind: 'wrong_version',
        data: encoder.encode('{}'),
        headers: envelope(type.name, '999'),
      };
    case 3:
      return {
        subject,
        kind: 'malformed_json',
        data: randomBytes(64),
        headers: envelope(type.name, version),
      };
    default:
      return {
        subject,
        kind: 'schema_violation',
        data: encoder.encode(WRONG_SHAPES[i % WRONG_SHAPES.length] as string),
        headers: envelope(type.name, version),
      };
  }
}
