import { z } from 'zod';

/** The answer shape the agents ask for (same as LlmDecisionBatchSchema in @ats/agents). */
export const DecisionBatchSchema = z.object({
  decisions: z.array(
    z.object({
      symbol: z.string(),
      signal: z.enum(['BUY', 'SELL', 'HOLD']),
      confidence: z.number().min(0).max(1),
      reasoning: z.string().min(1),
    }),
  ),
});

export const VALID_ANSWER = {
  decisions: [
    {
      symbol: 'AAPL',
      signal: 'BUY',
      confidence: 0.7,
      reasoning: 'RSI 28 is oversold and price holds the 200-day SMA.',
    },
  ],
};

/** Fails the schema: confidence outside [0, 1] and an unknown signal. */
export const INVALID_ANSWER = {
  decisions: [{ symbol: 'AAPL', signal: 'STRONG_BUY', confidence: 1.4, reasoning: 'very bullish' }],
};

export const SYSTEM = 'You are the technical analyst of a trading desk. Decide from the figures given.';
