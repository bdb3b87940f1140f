export { type AppConfig, ConfigError, type ConfigProblem, type LoadConfigOptions, loadConfig } from './load';
export { ENV_SCHEMA, type EnvKey, SECRET_KEYS } from './schema';
