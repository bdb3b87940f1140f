import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AnswerSchemaShapeError, answerJsonSchema, checkAnswer, isStrictCompatible } from './answer-schema';

const Decision = z.object({ symbol: z.string(), confidence: z.number().min(0).max(1) });

describe('answer JSON schema', () => {
  it('is zod 4 JSON Schema without the $schema marker, objects closed', () => {
    const schema = answerJsonSchema(Decision, 'decision');
    expect(schema).toEqual({
      type: 'object',
      properties: { symbol: { type: 'string' }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
      required: ['symbol', 'confidence'],
      additionalProperties: false,
    });
    expect(isStrictCompatible(schema)).toBe(true);
  });

  it('is not strict-compatible with an optional field, at any depth', () => {
    const nested = z.object({ items: z.array(z.object({ a: z.string(), b: z.string().optional() })) });
    expect(isStrictCompatible(answerJsonSchema(nested, 'n'))).toBe(false);
    const nullable = z.object({ items: z.array(z.object({ a: z.string(), b: z.string().nullable() })) });
    expect(isStrictCompatible(answerJsonSchema(nullable, 'n'))).toBe(true);
  });

  it('rejects a top level that is not an object', () => {
    expect(() => answerJsonSchema(z.array(Decision), 'list')).toThrow(AnswerSchemaShapeError);
  });
});

describe('checkAnswer', () => {
  it('accepts valid JSON, also inside a Markdown fence', () => {
    expect(checkAnswer('{"symbol":"AAPL","confidence":0.5}', Decision)).toMatchObject({ ok: true });
    expect(checkAnswer('```json\n{"symbol":"AAPL","confidence":0.5}\n```', Decision)).toMatchObject({
      ok: true,
    });
  });

  it('explains what is wrong, for the repair request', () => {
    const notJson = checkAnswer('BUY', Decision);
    expect(notJson).toMatchObject({ ok: false, issues: [] });
    expect(notJson.ok ? '' : notJson.problem).toContain('not valid JSON');
    const invalid = checkAnswer('{"symbol":"AAPL","confidence":3}', Decision);
    expect(invalid.ok ? '' : invalid.problem).toContain('confidence');
    expect(invalid.ok ? [] : invalid.issues.map((i) => i.code)).toEqual(['too_big']);
  });
});
