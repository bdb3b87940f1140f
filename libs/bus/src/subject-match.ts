/**
 * NATS subject matching: tokens separated by `.`, `*` matches exactly one token, `>` (last token only) matches
 * one or more remaining tokens. Used by the in-process bus to route like the server does.
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const patternTokens = pattern.split('.');
  const subjectTokens = subject.split('.');
  for (let i = 0; i < patternTokens.length; i++) {
    const token = patternTokens[i];
    if (token === '>') return i === patternTokens.length - 1 && subjectTokens.length > i;
    if (i >= subjectTokens.length) return false;
    if (token !== '*' && token !== subjectTokens[i]) return false;
  }
  return patternTokens.length === subjectTokens.length;
}

/** A subject you can publish to: non-empty tokens, no wildcards, no spaces. */
export function isPublishableSubject(subject: string): boolean {
  return subject
    .split('.')
    .every((token) => token.length > 0 && token !== '*' && token !== '>' && !/\s/.test(token));
}
