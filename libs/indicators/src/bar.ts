/**
 * One OHLCV bar as the indicators read it. Structural on purpose: any bar type with these fields (e.g. the one in
 * @ats/contracts) can be passed without this lib depending on it.
 */
export interface OhlcvBar {
  /** Bar open time, ISO-8601 UTC. */
  readonly ts: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}
