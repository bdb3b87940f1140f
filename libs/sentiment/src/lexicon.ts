import { afinn165FinancialMarketNews } from 'afinn-165-financialmarketnews';

/**
 * Word valences in [-5, 5] from AFINN-165 as adjusted for financial market news (Ryan O'Day). Multi-word keys
 * ("better-than-expected", "not good") are matched on token sequences by the scorer.
 */
export const FINANCE_LEXICON: Readonly<Record<string, number>> = afinn165FinancialMarketNews;

/** Words that flip the valence of what follows (a token ending in "n't" counts too). */
export const NEGATORS: ReadonlySet<string> = new Set([
  'not',
  'no',
  'never',
  'without',
  'neither',
  'nor',
  'cannot',
  'none',
  'nothing',
]);

/** How many tokens after a negator are flipped. */
export const NEGATION_SCOPE_TOKENS = 3;

/** Adverbs that strengthen (> 1) or soften (< 1) the neighbouring sentiment-bearing term. */
export const INTENSIFIERS: Readonly<Record<string, number>> = {
  very: 1.5,
  sharply: 1.5,
  significantly: 1.5,
  substantially: 1.5,
  considerably: 1.5,
  strongly: 1.5,
  markedly: 1.5,
  dramatically: 1.5,
  extremely: 1.5,
  hugely: 1.5,
  slightly: 0.5,
  somewhat: 0.5,
  marginally: 0.5,
  modestly: 0.5,
  barely: 0.5,
};

/**
 * Movement words with no valence of their own: whether "rose" is good news depends on what rose
 * (profit rose = good, loss rose = bad, loss narrowed = good).
 */
export const UP_MOVES: ReadonlySet<string> = new Set([
  'rose',
  'rise',
  'rises',
  'rising',
  'risen',
  'increase',
  'increased',
  'increases',
  'increasing',
  'grew',
  'grow',
  'grows',
  'growing',
  'grown',
  'climbed',
  'climb',
  'climbs',
  'jumped',
  'jump',
  'jumps',
  'surged',
  'surge',
  'soared',
  'gained',
  'advanced',
  'doubled',
  'tripled',
  'expanded',
  'widened',
  'up',
  'higher',
]);

export const DOWN_MOVES: ReadonlySet<string> = new Set([
  'fell',
  'fall',
  'falls',
  'falling',
  'fallen',
  'decrease',
  'decreased',
  'decreases',
  'decreasing',
  'declined',
  'decline',
  'declines',
  'declining',
  'dropped',
  'drop',
  'drops',
  'slipped',
  'slumped',
  'plunged',
  'plummeted',
  'tumbled',
  'shrank',
  'shrunk',
  'contracted',
  'narrowed',
  'halved',
  'reduced',
  'down',
  'lower',
]);

/** Things a shareholder wants more of: a rise is good news. */
export const GOOD_WHEN_UP: ReadonlySet<string> = new Set([
  'profit',
  'profits',
  'profitability',
  'sales',
  'revenue',
  'revenues',
  'earnings',
  'income',
  'ebit',
  'ebitda',
  'eps',
  'margin',
  'margins',
  'turnover',
  'orders',
  'demand',
  'dividend',
  'dividends',
  'shares',
  'stock',
  'backlog',
  'cashflow',
  'volume',
  'volumes',
]);

/** Things a shareholder wants less of: a fall is good news. */
export const BAD_WHEN_UP: ReadonlySet<string> = new Set([
  'loss',
  'losses',
  'cost',
  'costs',
  'expenses',
  'debt',
  'deficit',
  'writedowns',
  'impairment',
  'impairments',
  'layoffs',
  'unemployment',
]);

/** Tokens searched around a movement word for the item that moved (subject before it, object after it). */
export const MOVE_SUBJECT_WINDOW = 6;
export const MOVE_OBJECT_WINDOW = 4;

/** Valence given to a finance phrase or a resolved movement (profit rose, loss narrowed): a clear signal. */
export const PHRASE_VALENCE = 3;

/** Fixed finance phrases with their valence; matched before single words, their tokens are not scored again. */
export const FINANCE_PHRASES: Readonly<Record<string, number>> = {
  'profit warning': -PHRASE_VALENCE,
  'beat expectations': PHRASE_VALENCE,
  'beat estimates': PHRASE_VALENCE,
  'beat forecasts': PHRASE_VALENCE,
  'exceeded expectations': PHRASE_VALENCE,
  'above expectations': PHRASE_VALENCE,
  'better than expected': PHRASE_VALENCE,
  'missed expectations': -PHRASE_VALENCE,
  'missed estimates': -PHRASE_VALENCE,
  'below expectations': -PHRASE_VALENCE,
  'worse than expected': -PHRASE_VALENCE,
  'weaker than expected': -PHRASE_VALENCE,
  'stronger than expected': PHRASE_VALENCE,
  'raised its guidance': PHRASE_VALENCE,
  'raised guidance': PHRASE_VALENCE,
  'lowered its guidance': -PHRASE_VALENCE,
  'lowered guidance': -PHRASE_VALENCE,
  'cut its guidance': -PHRASE_VALENCE,
  'operating loss': -PHRASE_VALENCE,
  'net loss': -PHRASE_VALENCE,
  'pre tax loss': -PHRASE_VALENCE,
  'turned to a profit': PHRASE_VALENCE,
  'swung to a profit': PHRASE_VALENCE,
  'returned to profit': PHRASE_VALENCE,
  'turned to a loss': -PHRASE_VALENCE,
  'swung to a loss': -PHRASE_VALENCE,
  'job cuts': -PHRASE_VALENCE,
  'temporary layoffs': -PHRASE_VALENCE,
  'filed for bankruptcy': -PHRASE_VALENCE,
  'credit rating downgrade': -PHRASE_VALENCE,
  'all time high': PHRASE_VALENCE,
  'record high': PHRASE_VALENCE,
  'record low': -PHRASE_VALENCE,
};
