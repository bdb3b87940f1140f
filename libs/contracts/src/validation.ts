import type { z } from 'zod';

export interface ValidationIssue {
  /** Dotted path of the offending field (`bars.3.high`), or `(root)`. */
  readonly path: string;
  readonly message: string;
}

/** Turns zod issues into `path: message` pairs a person can read. */
export function describeIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}

export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
}

/** A value failed its contract; `what` names the message or body (e.g. `Bar`, `HistoryRequest`). */
export class ContractValidationError extends Error {
  override readonly name = 'ContractValidationError';
  constructor(
    readonly what: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(`invalid ${what}: ${formatIssues(issues)}`);
  }
}

/** Parses `value` against `schema` or throws a ContractValidationError naming every bad field. */
export function parseContract<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ContractValidationError(what, describeIssues(result.error));
  return result.data;
}

export type ContractParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ContractValidationError };

export function safeParseContract<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): ContractParseResult<z.output<S>> {
  const result = schema.safeParse(value);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, error: new ContractValidationError(what, describeIssues(result.error)) };
}
