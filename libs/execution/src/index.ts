export * from './commission';
export * from './dividends';
export * from './errors';
export * from './ledger';
export * from './matching';
export * from './sizing/index';
export * from './slippage';
export * from './slippage-statistics';
