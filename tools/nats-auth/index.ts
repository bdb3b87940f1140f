/** tools/services owns it; re-exported for the tools that start a private server beside other processes. */
export { freePort } from '../services/ports';
export {
  CREDENTIALS_FILE,
  ensureCredentials,
  generatedFiles,
  KnownPasswordError,
  OPS_NATS_DIR,
  topologyUsers,
} from './generate';
export { inboxFor, permissionsFor, TopologyError, type UserPermissions } from './permissions';
export { type AuthNats, type AuthNatsOptions, natsServerBinary, startAuthNats } from './private-nats';
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
