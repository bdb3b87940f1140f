import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { within } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';
import {
  checkExchangeCalls,
  collectExchangeCalls,
  exchangeProgram,
  productionSources,
} from './request-reply';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Fixture sources in a temporary folder, compiled with the repository's `@ats/*` paths. */
function plant(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'ats-request-reply-'));
  const paths = Object.entries(files).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
  const calls = collectExchangeCalls(exchangeProgram(repoRoot, paths), dir);
  return { calls, problems: checkExchangeCalls(calls) };
}

// The defect that shipped: the gateway asked cycle.run with RunCycleRequest -> RunCycleResult, the orchestrator
// served it with its own CycleRunRequest -> CycleEvent (both built at run time on a namespaced subject).
const gatewaySide = `
import type { Bus } from '@ats/bus';
import { ApiMessages } from '@ats/contracts';
export const ask = (bus: Bus, subject: string) =>
  bus.request(subject, ApiMessages.runCycleRequest, ApiMessages.runCycleResult, {}, { timeoutMs: 1000 });
`;
const orchestratorSide = `
import type { Bus } from '@ats/bus';
import { defineMessage, RunCycleRequestSchema, RunCycleResultSchema } from '@ats/contracts';
const CycleMessages = {
  runRequest: defineMessage('CycleRunRequest', 1, RunCycleRequestSchema),
  event: defineMessage('CycleEvent', 1, RunCycleResultSchema),
};
export const answer = (bus: Bus, subject: string) =>
  bus.serve(subject, CycleMessages.runRequest, CycleMessages.event, () => {
    throw new Error('not called');
  });
`;

describe('request/reply check', () => {
  it(
    'finds both sides of every exchange in the repository, and no mismatch',
    () => {
      const calls = collectExchangeCalls(exchangeProgram(repoRoot, productionSources(repoRoot)), repoRoot);
      const problems = checkExchangeCalls(calls);
      expect(problems).toEqual([]);
      const side = (file: string, role: string) =>
        calls.find((c) => c.file === file && c.role === role) ?? { file, role, missing: true };
      // The analyze pair: one table row, both sides.
      expect(side('apps/api-gateway/src/routes/analyze.ts', 'request')).toMatchObject({
        request: 'RunCycleRequest',
        reply: 'RunCycleResult',
      });
      expect(side('apps/orchestrator/src/service.ts', 'serve')).toMatchObject({
        request: 'RunCycleRequest',
        reply: 'RunCycleResult',
      });
      expect(side('apps/data-gateway/src/history-service.ts', 'serve')).toMatchObject({
        request: 'HistoryRequest',
        reply: 'HistoryResponse',
      });
    },
    within(240_000),
  );

  it(
    'fails on the planted cycle.run mismatch that once answered the API with 502',
    () => {
      const { calls, problems } = plant({ 'gateway.ts': gatewaySide, 'orchestrator.ts': orchestratorSide });
      expect(calls.map((c) => [c.file, c.role, c.request, c.reply])).toEqual([
        ['gateway.ts', 'request', 'RunCycleRequest', 'RunCycleResult'],
        ['orchestrator.ts', 'serve', 'CycleRunRequest', 'CycleEvent'],
      ]);
      expect(problems).toEqual([
        {
          file: 'orchestrator.ts',
          line: 9,
          reason:
            'responder sends CycleRunRequest, which is the request of no subject in RequestReplyContracts',
        },
      ]);
    },
    within(120_000),
  );

  it(
    'fails on a right request answered with the wrong reply, and on a known subject used for another pair',
    () => {
      const { problems } = plant({
        'reply.ts': `
import type { Bus } from '@ats/bus';
import { ApiMessages, Messages } from '@ats/contracts';
export const answer = (bus: Bus, subject: string) =>
  bus.serve(subject, ApiMessages.runCycleRequest, Messages.historyResponse, () => {
    throw new Error('not called');
  });
`,
        'subject.ts': `
import type { Bus } from '@ats/bus';
import { Messages, Subjects } from '@ats/contracts';
export const ask = (bus: Bus) =>
  bus.request(Subjects.cycleRequest, Messages.historyRequest, Messages.historyResponse, {
    symbol: 'AAPL', from: '2023-01-03', to: '2023-01-03',
  }, { timeoutMs: 1000 });
`,
      });
      expect(problems.map((p) => [p.file, p.reason])).toEqual([
        [
          'reply.ts',
          'responder pairs RunCycleRequest with HistoryResponse; RequestReplyContracts answers it with RunCycleResult (cycle.run)',
        ],
        [
          'subject.ts',
          'requester of cycle.run uses HistoryRequest -> HistoryResponse; RequestReplyContracts has RunCycleRequest -> RunCycleResult',
        ],
      ]);
    },
    within(120_000),
  );
});
