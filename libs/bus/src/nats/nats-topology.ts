import {
  AckPolicy,
  type ConsumerConfig,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { BusTopologyError } from '../errors';
import type { ConsumerSpec, EnsureOutcome, StreamSpec } from '../topology';

/** Server defaults, stated so that "unchanged" can be decided by comparing with what the server reports. */
const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;
const DEFAULT_ACK_WAIT_MS = 30_000;
const DEFAULT_MAX_ACK_PENDING = 1000;

type StreamFields = Pick<
  StreamConfig,
  'subjects' | 'max_age' | 'max_msgs' | 'max_bytes' | 'duplicate_window' | 'storage'
>;

function desiredStream(spec: StreamSpec): StreamFields {
  const maxAgeMs = spec.maxAgeMs ?? 0;
  let duplicateWindowMs = spec.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
  // The server caps the duplicate window at max_age; mirror that or every run would report "updated".
  if (maxAgeMs > 0) duplicateWindowMs = Math.min(duplicateWindowMs, maxAgeMs);
  return {
    subjects: [...spec.subjects],
    max_age: nanos(maxAgeMs),
    max_msgs: spec.maxMessages ?? -1,
    max_bytes: spec.maxBytes ?? -1,
    duplicate_window: nanos(duplicateWindowMs),
    storage: spec.storage === 'memory' ? StorageType.Memory : StorageType.File,
  };
}

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

/** The server refused the JetStream API request for this user (nats.js rejects it, possibly wrapped, at once). */
function isPermissionDenied(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.name === 'PermissionViolationError') return true;
  }
  return false;
}

/** Where a least-privileged service is told to go when a stream is missing (see docs/security.md). */
const OPERATOR_STEP = 'an operator provisions streams: npm run provision -w @ats/tool-nats-auth';

export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<EnsureOutcome> {
  const desired = desiredStream(spec);
  let current: StreamConfig;
  try {
    current = (await jsm.streams.info(spec.name)).config;
  } catch (error) {
    if (isPermissionDenied(error))
      throw new BusTopologyError(`this NATS user may not read stream ${spec.name}`, spec.name, {
        cause: error,
      });
    if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
    try {
      await jsm.streams.add({ name: spec.name, ...desired });
    } catch (addError) {
      if (!isPermissionDenied(addError)) throw addError;
      throw new BusTopologyError(
        `stream ${spec.name} does not exist and this NATS user may not create streams (${OPERATOR_STEP})`,
        spec.name,
        { cause: addError },
      );
    }
    return 'created';
  }
  if (current.storage !== desired.storage) {
    throw new BusTopologyError(
      `stream ${spec.name} uses ${current.storage} storage, topology wants ${desired.storage}; storage cannot change in place`,
      spec.name,
    );
  }
  const same =
    sameSet(current.subjects ?? [], desired.subjects ?? []) &&
    current.max_age === desired.max_age &&
    current.max_msgs === desired.max_msgs &&
    current.max_bytes === desired.max_bytes &&
    current.duplicate_window === desired.duplicate_window;
  if (same) return 'unchanged';
  const { storage: _fixed, ...updatable } = desired;
  try {
    await jsm.streams.update(spec.name, updatable);
  } catch (error) {
    // A service user may only read stream info (tools/nats-auth): the operator's settings stand.
    if (isPermissionDenied(error)) return 'drifted';
    throw error;
  }
  return 'updated';
}

type ConsumerFields = Pick<ConsumerConfig, 'ack_wait' | 'max_deliver' | 'max_ack_pending'> & {
  filter_subject?: string;
};

function desiredConsumer(spec: ConsumerSpec): ConsumerFields {
  const fields: ConsumerFields = {
    ack_wait: nanos(spec.ackWaitMs ?? DEFAULT_ACK_WAIT_MS),
    max_deliver: spec.maxDeliver ?? -1,
    max_ack_pending: spec.maxAckPending ?? DEFAULT_MAX_ACK_PENDING,
  };
  if (spec.filterSubject !== undefined) fields.filter_subject = spec.filterSubject;
  return fields;
}

export async function ensureConsumer(jsm: JetStreamManager, spec: ConsumerSpec): Promise<EnsureOutcome> {
  const desired = desiredConsumer(spec);
  let current: ConsumerConfig;
  try {
    current = (await jsm.consumers.info(spec.stream, spec.durable)).config;
  } catch (error) {
    if (isApiError(error, JetStreamApiCodes.StreamNotFound)) {
      throw new BusTopologyError(
        `consumer ${spec.durable} refers to unknown stream ${spec.stream}`,
        spec.stream,
      );
    }
    if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    await jsm.consumers.add(spec.stream, {
      durable_name: spec.durable,
      ack_policy: AckPolicy.Explicit,
      ...desired,
    });
    return 'created';
  }
  const same =
    (current.filter_subject ?? '') === (desired.filter_subject ?? '') &&
    current.ack_wait === desired.ack_wait &&
    current.max_deliver === desired.max_deliver &&
    current.max_ack_pending === desired.max_ack_pending;
  if (same) return 'unchanged';
  await jsm.consumers.update(spec.stream, spec.durable, {
    ...desired,
    filter_subject: desired.filter_subject ?? '',
  });
  return 'updated';
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}
