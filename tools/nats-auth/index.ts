export { CREDENTIALS_FILE, ensureCredentials, generatedFiles, OPS_NATS_DIR, topologyUsers } from './generate';
export { INBOX, permissionsFor, TopologyError, type UserPermissions } from './permissions';
export {
  type AuthNats,
  type AuthNatsOptions,
  freePort,
  natsServerBinary,
  startAuthNats,
} from './private-nats';
export { passwordVariable } from './server-config';
export {
  ADMIN_USER,
  MARKET_DATA_CACHE_BUCKET,
  SERVICE_TOPOLOGY,
  type ServiceGrants,
  type ServiceName,
} from './topology';
