export * from './errors';
export * from './local-csv-provider';
export * from './normalise';
export * from './provider';
