export { AptInstallError, MissingPackageError } from './apt';
export { DEFAULT_NATS_URL, NatsStartError, probeNats } from './nats';
export { DEFAULT_DATABASE_URL, PostgresStartError, probePostgres } from './postgres';
export { runWithServices } from './run';
export {
  down,
  type Endpoint,
  type EndpointSource,
  type RunningServices,
  type ServiceName,
  type StatusReport,
  type Stopped,
  status,
  type UpOptions,
  up,
} from './services';
export { ServicesLockTimeoutError, servicesDir } from './state';
