/** Evidence weights (standard horizon). Oscillators weigh less and trend more on the long horizon. */
export const TECHNICAL_WEIGHTS = {
  standard: {
    maTrend: 0.2,
    trendStructure: 0.1,
    rsi: 0.15,
    macd: 0.15,
    bollinger: 0.1,
    levels: 0.1,
    patterns: 0.1,
    volume: 0.1,
    longMomentum: 0,
  },
  long: {
    maTrend: 0.3,
    trendStructure: 0.15,
    rsi: 0.05,
    macd: 0.05,
    bollinger: 0.05,
    levels: 0.05,
    patterns: 0.1,
    volume: 0.05,
    longMomentum: 0.2,
  },
} as const;
export type TechnicalHorizon = keyof typeof TECHNICAL_WEIGHTS;
export type TechnicalComponent = keyof (typeof TECHNICAL_WEIGHTS)['standard'];
export type TechnicalWeights = (typeof TECHNICAL_WEIGHTS)[TechnicalHorizon];

/** All the weight a horizon can give: coverage is the share of it the available evidence carries. */
export const TOTAL_WEIGHT = {
  standard: Object.values(TECHNICAL_WEIGHTS.standard).reduce((s: number, w: number) => s + w, 0),
  long: Object.values(TECHNICAL_WEIGHTS.long).reduce((s: number, w: number) => s + w, 0),
} as const;
