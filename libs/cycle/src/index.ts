export * from './cycle-core';
export type * from './ports';
