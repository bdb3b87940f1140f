export type {
  Bus,
  BusMessage,
  ConsumeOptions,
  DurableHandler,
  DurableMessage,
  DurablePublishOptions,
  Handler,
  HistoryQuery,
  OutgoingPayload,
  PayloadOf,
  PublishOptions,
  RequestHandler,
  RequestOptions,
  ServeOptions,
  StoredMessage,
  SubscribeOptions,
  Subscription,
} from './bus';
export { type BusHeaders, type DeadLetterKind, EncodedField, type WithEncodedFields } from './codec';
export {
  BusClosedError,
  BusNoRespondersError,
  BusReplyError,
  BusTimeoutError,
  BusTopologyError,
} from './errors';
export { InProcessBroker } from './in-process/broker';
export { InProcessBus, type InProcessBusOptions } from './in-process/in-process-bus';
export type { BusLogger } from './logger';
export { type ConnectBusOptions, connectBus, inboxPrefixFor, NatsBus } from './nats/nats-bus';
export { ConnectionWeather } from './nats/outage';
export type { RateLimit } from './rate-limiter';
export type { BusStats } from './stats';
export { subjectMatches } from './subject-match';
export type { BusTopology, ConsumerSpec, EnsureOutcome, StreamSpec, TopologyReport } from './topology';
export { type BusOptions, backoffFor, newCorrelationId, toErrorReply } from './typed-bus';
