import { afterEach, describe, expect, it } from 'vitest';
import { teamFactory } from './agents';

const OFFLINE = { provider: 'offline' } as Parameters<typeof teamFactory>[0]['llm'];

describe('teamFactory risk limits', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('gives the embedded risk manager the configured limits (TRADING__MAX_POSITION_WEIGHT, TRADING__VAR_LIMIT_99)', () => {
    process.env.TRADING__MAX_POSITION_WEIGHT = '0.15';
    process.env.TRADING__VAR_LIMIT_99 = '0.03';
    const team = teamFactory({ placement: 'embedded', llm: OFFLINE })('sequential');
    expect(team.config.risk.maxPositionWeight).toBe(0.15);
    expect(team.config.risk.varLimit99).toBe(0.03);
  });

  it('takes explicit limits over the configuration', () => {
    process.env.TRADING__MAX_POSITION_WEIGHT = '0.15';
    const team = teamFactory({ placement: 'embedded', llm: OFFLINE, risk: { maxPositionWeight: 0.1 } })(
      'parallel',
    );
    expect(team.config.risk.maxPositionWeight).toBe(0.1);
  });
});
