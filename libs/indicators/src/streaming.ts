/**
 * The one shape every streaming indicator has (as in trading-signals): feed one input per bar with `update`, read the
 * latest value with `getResult`; `undefined` until the indicator has seen enough bars (`isStable`).
 */
export interface StreamingIndicator<Input, Output> {
  update(input: Input): Output | undefined;
  getResult(): Output | undefined;
  readonly isStable: boolean;
}

/** Raised when an indicator is configured with a period or parameter that has no meaning. */
export class InvalidIndicatorParameterError extends Error {
  constructor(
    readonly indicator: string,
    readonly parameter: string,
    readonly value: unknown,
  ) {
    super(`${indicator}: invalid ${parameter} ${String(value)}`);
    this.name = 'InvalidIndicatorParameterError';
  }
}

export function assertPeriod(indicator: string, parameter: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidIndicatorParameterError(indicator, parameter, value);
}

export function assertPositive(indicator: string, parameter: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0)
    throw new InvalidIndicatorParameterError(indicator, parameter, value);
}

/**
 * Batch = the streaming indicator run over the array: one number per input, NaN before warm-up. Sharing the code path
 * means a backtest over history and the live feed see identical values.
 */
export function runSeries<Input>(
  indicator: StreamingIndicator<Input, number>,
  inputs: readonly Input[],
): number[] {
  const out = new Array<number>(inputs.length);
  for (let i = 0; i < inputs.length; i++) out[i] = indicator.update(inputs[i] as Input) ?? Number.NaN;
  return out;
}
