import { inboxPrefixFor, subjectMatches } from '@ats/bus';
import { Streams, Subjects } from '@ats/contracts';
import type { ServiceGrants, StreamName } from './topology';

/**
 * Replies to requests this client sent, and JetStream publish acks and pull batches, arrive on its inboxes: each
 * user gets its own prefix (the bus connects with `inboxPrefixFor(user)`), never `_INBOX.>`, so no service can
 * subscribe to another's replies.
 */
export function inboxFor(service: string): string {
  return `${inboxPrefixFor(service)}.>`;
}
/** The client's feature probe (`jetstreamManager()`): account limits only, nothing about streams' content. */
const JS_ACCOUNT_INFO = '$JS.API.INFO';

export interface UserPermissions {
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
  /** Lets a server reply once to the reply subject of each request it received, and to nothing else. */
  readonly allowResponses: boolean;
}

export class TopologyError extends Error {
  constructor(
    message: string,
    readonly service: string,
  ) {
    super(`${service}: ${message}`);
  }
}

function streamSubjects(name: StreamName): readonly string[] {
  const stream = Object.values(Streams).find((s) => s.name === name);
  if (!stream) throw new TopologyError(`unknown stream ${name}`, name);
  return stream.subjects;
}

/**
 * Allow lists for one service. JetStream API subjects are opened per stream and per durable, never `$JS.API.>`,
 * and streams are read-only to services (`STREAM.INFO`): only the operator's user creates, changes or deletes
 * them (provision.ts), so a compromised agent can neither cut a shared stream nor read one it has no business with.
 */
export function permissionsFor(service: string, grants: ServiceGrants): UserPermissions {
  const publish = new Set<string>();
  const subscribe = new Set<string>();
  const received: string[] = [];
  let usesInbox = false;
  let usesJetStream = false;

  for (const subject of grants.publishes ?? []) publish.add(subject);
  for (const subject of grants.requests ?? []) {
    publish.add(subject);
    usesInbox = true;
  }
  for (const subject of grants.publishesDurable ?? []) {
    const stored = Object.values(Streams).some((s) => s.subjects.some((p) => subjectMatches(p, subject)));
    if (!stored) throw new TopologyError(`durable publish to ${subject}, which no stream stores`, service);
    publish.add(subject);
    usesInbox = true;
  }
  for (const subject of [...(grants.subscribes ?? []), ...(grants.serves ?? [])]) {
    subscribe.add(subject);
    received.push(subject);
  }
  for (const name of grants.checksStreams ?? []) {
    usesJetStream = true;
    usesInbox = true;
    publish.add(`$JS.API.STREAM.INFO.${name}`);
  }
  for (const { stream, durable } of grants.consumes ?? []) {
    usesJetStream = true;
    usesInbox = true;
    received.push(...streamSubjects(stream));
    publish.add(`$JS.API.CONSUMER.INFO.${stream}.${durable}`);
    // Server 2.9 create/update API (`CREATE.<stream>.<durable>[.<filter>]`) and the older durable form.
    publish.add(`$JS.API.CONSUMER.CREATE.${stream}.${durable}`);
    publish.add(`$JS.API.CONSUMER.CREATE.${stream}.${durable}.>`);
    publish.add(`$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${durable}`);
    publish.add(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`);
    publish.add(`$JS.ACK.${stream}.${durable}.>`);
  }
  for (const stream of grants.readsHistory ?? []) {
    usesJetStream = true;
    usesInbox = true;
    // Ordered consumers read the stream's info first, then create ephemeral consumers with client-chosen names,
    // hence the `*` in the name position only.
    publish.add(`$JS.API.STREAM.INFO.${stream}`);
    publish.add(`$JS.API.CONSUMER.CREATE.${stream}`);
    publish.add(`$JS.API.CONSUMER.CREATE.${stream}.>`);
    publish.add(`$JS.API.CONSUMER.INFO.${stream}.*`);
    publish.add(`$JS.API.CONSUMER.MSG.NEXT.${stream}.*`);
    publish.add(`$JS.API.CONSUMER.DELETE.${stream}.*`);
  }
  for (const bucket of grants.kvBuckets ?? []) {
    usesJetStream = true;
    usesInbox = true;
    // A bucket is the stream KV_<bucket>; keys are written on $KV.<bucket>.<key> and read by direct get (2.9+)
    // or, on a bucket created without allow_direct, by the stream's message get. The one stream a service may
    // create: its private cache, whose TTL is the service's own setting and which no other user can read.
    const stream = `KV_${bucket}`;
    for (const verb of ['INFO', 'CREATE', 'UPDATE', 'MSG.GET'])
      publish.add(`$JS.API.STREAM.${verb}.${stream}`);
    publish.add(`$JS.API.DIRECT.GET.${stream}`);
    publish.add(`$JS.API.DIRECT.GET.${stream}.>`);
    publish.add(`$KV.${bucket}.>`);
  }
  // The bus dead-letters what it cannot handle under `dlq.<original subject>`; only for subjects it receives.
  for (const subject of received) publish.add(Subjects.deadLetter(subject));
  if (usesJetStream || (grants.publishesDurable?.length ?? 0) > 0) publish.add(JS_ACCOUNT_INFO);
  if (usesInbox) subscribe.add(inboxFor(service));

  return {
    publish: [...publish].sort(),
    subscribe: [...subscribe].sort(),
    allowResponses: (grants.serves?.length ?? 0) > 0,
  };
}
