import { z } from 'zod';
import type { AnswerJsonSchema } from './provider';

/** The answer schema is not usable for structured output (not an object at the top level). */
export class AnswerSchemaShapeError extends Error {
  constructor(
    readonly schemaName: string,
    detail: string,
  ) {
    super(`answer schema ${schemaName}: ${detail}`);
    this.name = 'AnswerSchemaShapeError';
  }
}

/**
 * JSON Schema (draft 2020-12) of what the model must produce: zod 4's `z.toJSONSchema` (output side, where plain
 * `z.object` is closed with `additionalProperties: false`), without the `$schema` marker the APIs do not need.
 * Transforms cannot be described in JSON Schema: keep answer schemas plain data.
 */
export function answerJsonSchema(schema: z.ZodType, schemaName: string): AnswerJsonSchema {
  const { $schema: _marker, ...jsonSchema } = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  if (jsonSchema.type !== 'object') {
    throw new AnswerSchemaShapeError(
      schemaName,
      `must be an object at the top level, got ${String(jsonSchema.type)}`,
    );
  }
  return jsonSchema;
}

/**
 * Whether OpenAI's strict structured output accepts the schema: every object closes (`additionalProperties: false`)
 * and lists all its properties as required (optional fields must be written as nullable instead).
 */
export function isStrictCompatible(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrictCompatible);
  if (schema === null || typeof schema !== 'object') return true;
  const node = schema as Record<string, unknown>;
  if (node.type === 'object' || node.properties !== undefined) {
    const properties = (node.properties ?? {}) as Record<string, unknown>;
    const required = new Set(Array.isArray(node.required) ? node.required : []);
    if (node.additionalProperties !== false) return false;
    if (Object.keys(properties).some((name) => !required.has(name))) return false;
  }
  return Object.values(node).every(isStrictCompatible);
}

export type AnswerCheck<T> =
  | { readonly ok: true; readonly value: T; readonly json: unknown }
  | { readonly ok: false; readonly problem: string; readonly issues: readonly z.core.$ZodIssue[] };

/** Parse the model's text as JSON and validate it; the problem text is what the repair request tells the model. */
export function checkAnswer<T>(text: string, schema: z.ZodType<T>): AnswerCheck<T> {
  let json: unknown;
  try {
    json = JSON.parse(stripCodeFence(text));
  } catch (error) {
    return { ok: false, problem: `the answer is not valid JSON (${(error as Error).message})`, issues: [] };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      problem: `the answer does not match the schema: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}`,
      issues: parsed.error.issues,
    };
  }
  return { ok: true, value: parsed.data, json };
}

// Models in JSON mode sometimes still wrap the object in a Markdown fence; that is formatting, not a wrong answer.
function stripCodeFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return fenced?.[1] ?? text;
}
