import { describe, expect, it } from 'vitest';
import { costOf, priceOf } from './prices';

describe('price table', () => {
  it('matches dated snapshots to the longest known model id', () => {
    expect(priceOf('gpt-4o-mini-2024-07-18')).toEqual(priceOf('gpt-4o-mini'));
    expect(priceOf('gpt-4o-2024-08-06')).toEqual(priceOf('gpt-4o'));
    expect(priceOf('claude-sonnet-4-5-20250929')).toEqual(priceOf('claude-sonnet-4-5'));
    expect(priceOf('claude-opus-4-5-20251101')?.inputPerMTokUsd).toBe(5);
    expect(priceOf('claude-opus-4-20250514')?.inputPerMTokUsd).toBe(15);
  });

  it('does not match a mere prefix without a boundary, nor unknown or local models', () => {
    expect(priceOf('gpt-4oX')).toBeUndefined();
    expect(priceOf('llama3.1:8b')).toBeUndefined();
  });

  it('prices tokens per million and flags unknown models', () => {
    expect(costOf('gpt-4o', 1_000_000, 1_000_000)).toEqual({ costUsd: 12.5, unpriced: false });
    expect(costOf('claude-haiku-4-5', 2_000, 500)).toEqual({
      costUsd: (2_000 * 1 + 500 * 5) / 1e6,
      unpriced: false,
    });
    expect(costOf('qwen2.5:7b', 2_000, 500)).toEqual({ costUsd: 0, unpriced: true });
  });
});
