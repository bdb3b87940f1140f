/** The equity curve or options cannot produce meaningful metrics; `detail` says which value and where. */
export class PerformanceInputError extends Error {
  override readonly name = 'PerformanceInputError';
  constructor(
    message: string,
    readonly detail: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}
