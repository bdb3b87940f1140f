import type { SocialPost } from '@ats/contracts';
import { num, signed } from '../format';
import { availableMs } from './point-in-time';
import type { SentimentComponent } from './sentiment-component';
import {
  PROVIDER_SENTIMENT_WEIGHT,
  SOCIAL_FULL_EVIDENCE_WEIGHT,
  SOCIAL_HALF_LIFE_HOURS,
  SOCIAL_MAX_AGE_DAYS,
  SOCIAL_MAX_FOLLOWER_WEIGHT,
  SOCIAL_REPOST_WEIGHT,
} from './sentiment-weights';
import { blendWithSource, readText } from './text-reading';
import { type WeightedText, weightedTexts } from './weighted-texts';

const HOUR_MS = 3_600_000;

/** Author reach: 1 + log10(1 + followers) / 2, capped (unknown followers count as none). */
export function followerWeight(followers: number | undefined): number {
  return Math.min(SOCIAL_MAX_FOLLOWER_WEIGHT, 1 + Math.log10(1 + (followers ?? 0)) / 2);
}

/**
 * The social component over the symbol's posts available at asOf (already point-in-time filtered): the model's score
 * of each text, blended with the author's own label where the platform has one (StockTwits Bullish/Bearish), weighted
 * by time decay (SOCIAL_HALF_LIFE_HOURS) × author reach × (reposts SOCIAL_REPOST_WEIGHT).
 */
export function socialComponent(
  posts: readonly SocialPost[],
  asOfMs: number,
): SentimentComponent | undefined {
  const oldest = asOfMs - SOCIAL_MAX_AGE_DAYS * 24 * HOUR_MS;
  const scored: (WeightedText & { post: SocialPost })[] = [];
  for (const post of posts) {
    const available = availableMs(post);
    if (!(available <= asOfMs) || available < oldest) continue;
    const ageHours = (asOfMs - available) / HOUR_MS;
    const own = readText(post.text, post);
    const score = blendWithSource(own.score, post.authorSentiment, PROVIDER_SENTIMENT_WEIGHT);
    const weight =
      0.5 ** (ageHours / SOCIAL_HALF_LIFE_HOURS) *
      followerWeight(post.authorFollowers) *
      (post.isRepost ? SOCIAL_REPOST_WEIGHT : 1);
    scored.push({
      post,
      weight,
      score,
      probabilities: own.probabilities,
      item: {
        source: post.source,
        id: post.id,
        label: post.text,
        availableAt: post.availableAt,
        detail: () =>
          `post ${signed(score)}${post.authorSentiment === undefined ? '' : ` (author label ${signed(post.authorSentiment)})`}, ${num(ageHours, 0)}h old, ${post.authorFollowers ?? 'unknown'} followers${post.isRepost ? ', repost' : ''}`,
      },
    });
  }
  if (scored.length === 0) return undefined;
  const { score, weightSum: wSum, items, agreement } = weightedTexts('social', scored);
  if (!(wSum > 0)) return undefined;
  const reposts = scored.filter((s) => s.post.isRepost).length;
  return {
    kind: 'social',
    score,
    strength: Math.min(1, wSum / SOCIAL_FULL_EVIDENCE_WEIGHT),
    items,
    agreement,
    describe: () =>
      `social ${signed(score)} from ${scored.length} post(s) in ${SOCIAL_MAX_AGE_DAYS} days (${reposts} repost(s) ×${SOCIAL_REPOST_WEIGHT}; weight ${num(wSum)} = decay, half-life ${SOCIAL_HALF_LIFE_HOURS}h × reach)`,
  };
}
