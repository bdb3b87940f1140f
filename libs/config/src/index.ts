export { type CommandLineSpec, parseCommandLine, refuseUsage } from './command-line';
export { type ConfiguredTrading, configuredTrading, RUN_SETTING_KEYS } from './configured-trading';
export {
  type DataLocation,
  DEFAULT_DATA_CACHE_FOLDER,
  findWorkspaceRoot,
  resolveDataLocation,
} from './data-location';
export { EVIDENCE_ENV_SCHEMA, type EvidenceSettings } from './evidence-sources';
export {
  type AppConfig,
  ConfigError,
  type ConfigProblem,
  configuredKeys,
  type LoadConfigOptions,
  loadConfig,
} from './load';
export { ENV_SCHEMA, type EnvKey, SECRET_KEYS } from './schema';
