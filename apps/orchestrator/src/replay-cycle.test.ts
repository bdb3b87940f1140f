import { gzipSync } from 'node:zlib';
import { createAgentTeam, type DecisionContext } from '@ats/agents';
import { contextAt } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';
import { CycleContextSchema } from './cycle-messages';
import { packContext, unpackContext } from './replay-cycle';

/** A cycle's context on real bars (adjClose on every bar), with the in-process fields a cycle adds. */
async function context(): Promise<DecisionContext> {
  const ctx = await contextAt('2023-03-01', 'cycle-pack-test');
  return { ...ctx, historyColumns: ctx.snapshots.map(() => undefined), explain: false };
}

describe('cycle context records', () => {
  it('hold the histories as columns and give back the context the team saw, explain included', async () => {
    const ctx = await context();
    const packed = packContext(ctx);
    expect(packed.encoding).toBe('wire-json+gzip+base64');
    const { historyColumns: _inProcessOnly, ...seen } = ctx;
    const unpacked = unpackContext(packed);
    expect(unpacked).toEqual(JSON.parse(JSON.stringify(seen)));
    expect(unpacked).not.toHaveProperty('historyColumns');
    expect(unpacked.explain).toBe(false);
    const team = createAgentTeam({ pattern: 'sequential' });
    expect((await team.runCycle(unpacked)).decisions).toEqual((await team.runCycle(ctx)).decisions);
  });

  it('still read records written before, with Bar objects (json+gzip+base64)', async () => {
    const { historyColumns: _inProcessOnly, ...seen } = await context();
    const json = JSON.stringify(seen);
    const former = { encoding: 'json+gzip+base64' as const, context: gzipSync(json).toString('base64') };
    expect(CycleContextSchema.shape.encoding.parse(former.encoding)).toBe('json+gzip+base64');
    expect(unpackContext(former)).toEqual(JSON.parse(json));
    // The columns make the record smaller before gzip as after it.
    expect(packContext(await context()).context.length).toBeLessThan(former.context.length);
  });
});
