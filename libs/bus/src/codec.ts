import {
  type ContractValidationError,
  Headers,
  type MessageOf,
  type MessageType,
  parseContract,
  safeParseContract,
  type ValidationIssue,
} from '@ats/contracts';
import type { z } from 'zod';

/** Message headers as plain strings; each transport converts to and from its own header type. */
export type BusHeaders = Record<string, string>;

/** Why a message became a dead letter; the first word of the `Ats-Dlq-Reason` header and a stats key. */
export type DeadLetterKind =
  | 'malformed_json'
  | 'missing_headers'
  | 'wrong_type'
  | 'wrong_version'
  | 'schema_violation'
  | 'invalid_reply'
  | 'handler_error'
  | 'max_deliveries';

export interface Rejection {
  readonly kind: DeadLetterKind;
  readonly detail: string;
  readonly issues?: readonly ValidationIssue[];
}

export interface OutgoingMeta {
  readonly producer: string;
  readonly correlationId: string;
  readonly sentAt: Date;
  readonly messageId?: string;
}

export interface EncodedMessage<T> {
  readonly value: T;
  readonly data: Uint8Array;
  readonly headers: BusHeaders;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const NON_ASCII = /[\u0080-\uffff]/g;

/**
 * The same JSON text with every non-ASCII UTF-16 unit written as a \uXXXX escape: it parses to the same value. A
 * reader decodes ASCII bytes to V8's one-byte strings; a single '’' in a news title made the whole 200 KB agent
 * request a two-byte string, twice as slow to decode and to parse (~2 ms of each request in the agent replicas).
 * Returns `json` itself when it is ASCII already.
 */
export function asciiOnlyJson(json: string): string {
  NON_ASCII.lastIndex = 0;
  let match = NON_ASCII.exec(json);
  if (match === null) return json;
  let out = '';
  let from = 0;
  while (match !== null) {
    const at = match.index;
    out += `${json.slice(from, at)}\\u${json.charCodeAt(at).toString(16).padStart(4, '0')}`;
    from = at + 1;
    match = NON_ASCII.exec(json);
  }
  return out + json.slice(from);
}

/** A value's JSON as the bus sends it (ASCII only, see asciiOnlyJson). */
function jsonBytes(value: unknown): Uint8Array {
  return encoder.encode(asciiOnlyJson(JSON.stringify(value)));
}

/**
 * A field's value validated and serialised once, for messages that each carry it: a cycle's context goes in all
 * four of its agent requests (~60 KB each). In a payload it stands for the value. When its schema is the message
 * schema's own schema of that field (the same object) in a plain object schema, encodeOutgoing validates and
 * serialises only the other fields and writes this JSON as is; otherwise its value is validated with the rest.
 * The value must not change once encoded (the bus's payloads are readonly data).
 */
export class EncodedField<T> {
  private constructor(
    readonly schema: z.ZodType,
    readonly value: T,
    readonly json: string,
  ) {}

  /** Validates `value` with `schema` (ContractValidationError naming `what` when invalid) and serialises it. */
  static of<S extends z.ZodType>(schema: S, value: z.input<S>, what: string): EncodedField<z.output<S>> {
    const parsed = parseContract(schema, value, what) as z.output<S>;
    return new EncodedField(schema, parsed, asciiOnlyJson(JSON.stringify(parsed)));
  }
}

/** A payload whose top-level fields may each be given as an EncodedField. */
export type WithEncodedFields<T> = T extends object ? { [K in keyof T]: T[K] | EncodedField<unknown> } : T;

/**
 * Validates an outgoing payload and serialises it with the bus headers. Invalid data is the producer's bug,
 * so it throws (ContractValidationError) instead of sending something every consumer would reject.
 */
export function encodeOutgoing<M extends MessageType>(
  type: M,
  payload: WithEncodedFields<z.input<M['schema']>>,
  meta: OutgoingMeta,
): EncodedMessage<z.output<M['schema']>> {
  const headers = envelopeHeaders(type, meta);
  const fields = encodedFieldsOf(payload);
  if (fields === undefined) {
    const value = parseContract(type.schema, payload, type.name) as z.output<M['schema']>;
    return { value, data: jsonBytes(value), headers };
  }
  const shape = plainObjectShape(type.schema);
  if (shape === undefined || [...fields].some(([key, field]) => shape[key] !== field.schema)) {
    // Not the message's own field schemas: the values are validated with the message, as any payload.
    const values = { ...(payload as object) } as Record<string, unknown>;
    for (const [key, field] of fields) values[key] = field.value;
    const value = parseContract(type.schema, values, type.name) as z.output<M['schema']>;
    return { value, data: jsonBytes(value), headers };
  }
  const rest = { ...(payload as object) } as Record<string, unknown>;
  for (const key of fields.keys()) delete rest[key];
  const others = parseContract(
    withoutFields(type.schema as z.ZodObject, [...fields.keys()]),
    rest,
    type.name,
  );
  // Fields in the schema's order, as a parse of the whole payload gives them: the same value and the same bytes.
  const value: Record<string, unknown> = {};
  const members: string[] = [];
  for (const key of Object.keys(shape)) {
    const field = fields.get(key);
    if (field !== undefined) {
      value[key] = field.value;
      members.push(`${JSON.stringify(key)}:${field.json}`);
    } else if (key in others) {
      const fieldValue = (others as Record<string, unknown>)[key];
      value[key] = fieldValue;
      const json = JSON.stringify(fieldValue);
      if (json !== undefined) members.push(`${JSON.stringify(key)}:${asciiOnlyJson(json)}`);
    }
  }
  return {
    value: value as z.output<M['schema']>,
    data: encoder.encode(`{${members.join(',')}}`),
    headers,
  };
}

/**
 * The payload's own top-level EncodedFields by key, or undefined when it has none. Every message passes here, so
 * the keys are walked in place (Object.entries made an array per key of every payload).
 */
function encodedFieldsOf(payload: unknown): Map<string, EncodedField<unknown>> | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  let fields: Map<string, EncodedField<unknown>> | undefined;
  for (const key in payload) {
    const value = (payload as Record<string, unknown>)[key];
    if (!(value instanceof EncodedField) || !Object.hasOwn(payload, key)) continue;
    fields ??= new Map();
    fields.set(key, value);
  }
  return fields;
}

/**
 * The shape of a plain object schema, else undefined: one that drops unknown keys (no catchall) and has no
 * refinements of its own (those see the whole object).
 */
function plainObjectShape(schema: z.ZodType): Readonly<Record<string, z.ZodType>> | undefined {
  const def = schema._zod.def;
  if (def.type !== 'object' || (def.checks !== undefined && def.checks.length > 0)) return undefined;
  return (def as z.ZodObject['_zod']['def']).catchall === undefined
    ? (schema as z.ZodObject).shape
    : undefined;
}

/** An object schema without some of its fields, made once per schema and set of fields. */
const omitted = new WeakMap<z.ZodObject, Map<string, z.ZodObject>>();
function withoutFields(schema: z.ZodObject, keys: readonly string[]): z.ZodObject {
  let bySchema = omitted.get(schema);
  if (bySchema === undefined) {
    bySchema = new Map();
    omitted.set(schema, bySchema);
  }
  const id = [...keys].sort().join('\u0000');
  let rest = bySchema.get(id);
  if (rest === undefined) {
    rest = schema.omit(Object.fromEntries(keys.map((key) => [key, true])) as Record<string, true>);
    bySchema.set(id, rest);
  }
  return rest;
}

/** Serialises an already-validated value (replies whose schema wraps the message type). */
export function encodeValidated(
  value: unknown,
  type: MessageType,
  meta: OutgoingMeta,
): EncodedMessage<unknown> {
  return { value, data: jsonBytes(value), headers: envelopeHeaders(type, meta) };
}

function envelopeHeaders(type: MessageType, meta: OutgoingMeta): BusHeaders {
  const headers: BusHeaders = {
    [Headers.messageType]: type.name,
    [Headers.schemaVersion]: String(type.version),
    [Headers.correlationId]: meta.correlationId,
    [Headers.producer]: meta.producer,
    [Headers.sentAt]: meta.sentAt.toISOString(),
  };
  if (meta.messageId !== undefined) headers[Headers.messageId] = meta.messageId;
  return headers;
}

export type DecodeResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly rejection: Rejection };

/**
 * Checks an incoming message against the expected type: type and version headers first (a consumer must not
 * guess at a schema it does not know), then JSON, then the zod schema.
 */
export function decodeIncoming<M extends MessageType>(
  expected: M,
  data: Uint8Array,
  headers: BusHeaders,
): DecodeResult<MessageOf<M>> {
  const typeName = headers[Headers.messageType];
  const version = headers[Headers.schemaVersion];
  if (typeName === undefined || version === undefined) {
    return reject('missing_headers', `expected ${Headers.messageType} and ${Headers.schemaVersion} headers`);
  }
  if (typeName !== expected.name) {
    return reject('wrong_type', `expected message type ${expected.name}, got ${typeName}`);
  }
  if (version !== String(expected.version)) {
    return reject(
      'wrong_version',
      `${expected.name} schema version ${version} is not supported (expected ${expected.version})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch (error) {
    return reject('malformed_json', `payload is not JSON: ${(error as Error).message}`);
  }
  const parsed = safeParseContract(expected.schema, json, expected.name);
  if (!parsed.ok) {
    return { ok: false, rejection: schemaRejection(parsed.error) };
  }
  return { ok: true, value: parsed.value as MessageOf<M> };
}

function reject(kind: DeadLetterKind, detail: string): { ok: false; rejection: Rejection } {
  return { ok: false, rejection: { kind, detail } };
}

function schemaRejection(error: ContractValidationError): Rejection {
  return { kind: 'schema_violation', detail: error.message, issues: error.issues };
}

/** `Ats-Dlq-Reason` value: the kind first so tools can group by it, then the human detail. */
export function formatReason(rejection: Rejection): string {
  return `${rejection.kind}: ${rejection.detail}`;
}

/**
 * Headers of a dead letter: the original headers (minus the JetStream de-duplication id, so the dead-letter
 * stream never drops a letter as a duplicate) plus reason, original subject and delivery count.
 */
export function deadLetterHeaders(
  original: BusHeaders,
  originalSubject: string,
  rejection: Rejection,
  deliveries: number,
): BusHeaders {
  const headers: BusHeaders = { ...original };
  delete headers[Headers.messageId];
  // Header values are single-line in NATS; zod messages can contain newlines.
  headers[Headers.deadLetterReason] = formatReason(rejection)
    .replace(/[\r\n]+/g, ' ')
    .slice(0, 2000);
  headers[Headers.deadLetterSubject] = originalSubject;
  headers[Headers.deadLetterDeliveries] = String(deliveries);
  return headers;
}
