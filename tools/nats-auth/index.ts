export {
  CREDENTIALS_FILE,
  ensureCredentials,
  generatedFiles,
  KnownPasswordError,
  OPS_NATS_DIR,
  topologyUsers,
} from './generate';
export { inboxFor, permissionsFor, TopologyError, type UserPermissions } from './permissions';
export {
  type AuthNats,
  type AuthNatsOptions,
  freePort,
  natsServerBinary,
  startAuthNats,
} from './private-nats';
export { provisionStreams } from './provision';
export { isKnownPassword, MONITORING_HOST, passwordVariable } from './server-config';
export { operatorStreams } from './streams';
export {
  ADMIN_USER,
  MARKET_DATA_CACHE_BUCKET,
  SERVICE_TOPOLOGY,
  type ServiceGrants,
  type ServiceName,
} from './topology';
