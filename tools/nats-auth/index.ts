export { generatedFiles, OPS_NATS_DIR, topologyUsers } from './generate';
export { INBOX, permissionsFor, TopologyError, type UserPermissions } from './permissions';
export { type AuthNats, freePort, natsServerBinary, startAuthNats } from './private-nats';
export { passwordVariable } from './server-config';
export { ADMIN_USER, SERVICE_TOPOLOGY, type ServiceGrants, type ServiceName } from './topology';
