export * from './commission';
export * from './errors';
export * from './ledger';
export * from './matching';
export * from './slippage';
