export * from './affordable';
export * from './book';
export * from './fill-limits';
export * from './limits';
export * from './pre-trade';
export * from './target-orders';
