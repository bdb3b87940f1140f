import { describe, expect, it } from 'vitest';
import { withLazyText } from './lazy-text';

describe('withLazyText', () => {
  it('formats once, on first read, and looks like a plain property to JSON, spread and equality', () => {
    let calls = 0;
    const decision = withLazyText(
      { agent: 'technical', signal: 'BUY' },
      'reasoning',
      () => `text ${++calls}`,
      {
        ts: 't',
      },
    );
    expect(calls).toBe(0);
    expect(Object.keys(decision)).toEqual(['agent', 'signal', 'reasoning', 'ts']);
    expect(JSON.stringify(decision)).toBe(
      '{"agent":"technical","signal":"BUY","reasoning":"text 1","ts":"t"}',
    );
    expect(decision.reasoning).toBe('text 1');
    expect({ ...decision }).toEqual({ agent: 'technical', signal: 'BUY', reasoning: 'text 1', ts: 't' });
    expect(decision).toEqual({ agent: 'technical', signal: 'BUY', reasoning: 'text 1', ts: 't' });
    expect(calls).toBe(1);
  });

  it('keeps each object its own text', () => {
    const a = withLazyText({}, 'note', () => 'a');
    const b = withLazyText({}, 'note', () => 'b');
    expect([b.note, a.note]).toEqual(['b', 'a']);
  });
});
