/**
 * The numbers of the sentiment agent, documented once. The score is an evidence-weighted mean of five components
 * (news, social, market mood, insider trades, institutional 13F flow), each in [-1, 1]; see `combineComponents`.
 */

/** How much each source counts when all have full evidence (they sum to 1). */
export const SENTIMENT_COMPONENT_WEIGHTS = {
  /** Company news: the most direct and timely symbol-specific evidence. */
  news: 0.4,
  /** Social posts: symbol-specific but noisy (one author's view), so less than news. */
  social: 0.15,
  /** Fear & Greed: market-wide context, the same for every symbol; never a view on its own. */
  mood: 0.15,
  /** Insider purchases are among the better-documented informative trades (Lakonishok & Lee 2001). */
  insider: 0.2,
  /** 13F holdings are 45+ days stale when public: slow context. */
  institutional: 0.1,
} as const;

/** News older than this is ignored; within it, an item's weight halves every NEWS_HALF_LIFE_HOURS. */
export const NEWS_MAX_AGE_DAYS = 7;
export const NEWS_HALF_LIFE_HOURS = 24;
/** Social chatter fades faster than news: a shorter window and half-life. */
export const SOCIAL_MAX_AGE_DAYS = 3;
export const SOCIAL_HALF_LIFE_HOURS = 6;
/** A repost repeats someone else's view: it counts this fraction of an original post. */
export const SOCIAL_REPOST_WEIGHT = 0.5;
/** Author reach: weight 1 + log10(1 + followers) / 2, at most this (10k followers reach the cap). */
export const SOCIAL_MAX_FOLLOWER_WEIGHT = 3;
/** When the source supplies its own sentiment (a provider score, a StockTwits author label), it is averaged with ours with this weight. */
export const PROVIDER_SENTIMENT_WEIGHT = 0.5;

/** Decayed news weight that is full evidence of the news component. */
export const SENTIMENT_FULL_EVIDENCE_ITEMS = 3;
/** Decayed, reach-weighted social weight that is full evidence of the social component. */
export const SOCIAL_FULL_EVIDENCE_WEIGHT = 10;

/** A Fear & Greed reading older than this (calendar days before asOf) is stale: the price proxy is used instead. */
export const MOOD_MAX_READING_AGE_DAYS = 7;

/** Insider transactions considered: those available within this many days before asOf. */
export const INSIDER_WINDOW_DAYS = 90;
/**
 * A sale counts this fraction of a purchase of the same value: insiders sell for many reasons (diversification,
 * taxes, 10b5-1 plans) but buy in the open market for one, and sales predict returns far less than purchases
 * (Lakonishok & Lee 2001). Score = (P − λ·S) / (P + S) in value, in [−λ, 1]. In the data folder's Form 4 sample
 * sales outnumber purchases 676 to 2: at 0.5, routine sales alone made about 200 of 2023's 323 SELL decisions.
 */
export const INSIDER_SALE_WEIGHT = 0.25;
/** Traded value (P + S) at which the insider component has ~63% of full evidence (1 − e^(−value/scale)). */
export const INSIDER_VALUE_SCALE_USD = 5_000_000;

/** 13F holdings considered: those available within this many days before asOf (one quarter's filings and some). */
export const INSTITUTIONAL_WINDOW_DAYS = 200;
/** A net change of this fraction of the filers' previous holdings is a full (±1) institutional score. */
export const INSTITUTIONAL_FULL_SCALE = 0.1;
/** Filers with a known change that make full evidence of the institutional component. */
export const INSTITUTIONAL_FULL_EVIDENCE_FILERS = 5;

export const SENTIMENT_BUY_THRESHOLD = 0.2;
export const SENTIMENT_SELL_THRESHOLD = -0.2;
/** Confidence without any symbol-specific evidence: HOLD, no view. */
export const NO_NEWS_CONFIDENCE = 0.1;
/**
 * Confidence factor when both insider and institutional flows are unavailable (no source, or the source failed);
 * one of the two unavailable costs half the reduction. Confidence is scaled down, never invented.
 */
export const FLOW_UNAVAILABLE_CONFIDENCE_FACTOR = 0.8;

/** Items of each kind named in the reasoning (the strongest by |contribution|); supportingData lists them all. */
export const CITED_ITEMS_PER_KIND = 3;
/** Headlines and post texts are cut to this many characters in the reasoning. */
export const CITED_TEXT_MAX_CHARS = 80;
/** Drivers named per headline in the reasoning. */
export const DRIVERS_PER_ITEM = 3;
