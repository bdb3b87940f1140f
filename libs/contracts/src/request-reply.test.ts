import { describe, expect, it } from 'vitest';
import { ApiMessages, RunCycleResultSchema } from './api';
import { defineMessage } from './envelope';
import {
  assertRequestReplyContract,
  RequestReplyContracts,
  RequestReplyMismatchError,
  requestReplyMismatch,
} from './request-reply';
import { Messages } from './requests';

const cycleEvent = defineMessage('CycleEvent', 1, RunCycleResultSchema);

describe('RequestReplyContracts', () => {
  it('has one row per subject', () => {
    const subjects = Object.values(RequestReplyContracts).map((c) => c.subject);
    expect(new Set(subjects).size).toBe(subjects.length);
  });

  it('accepts the row of a subject, also under a namespace prefix', () => {
    const { request, reply } = RequestReplyContracts.cycleRun;
    expect(requestReplyMismatch('cycle.run', request, reply)).toBeUndefined();
    expect(requestReplyMismatch('gw_test_1.cycle.run', request, reply)).toBeUndefined();
    expect(requestReplyMismatch('gw_test_1.agent.risk.analyze', request, reply)).toMatch(
      /expected AssessRiskRequest@3 -> RiskReport@1/,
    );
  });

  it('refuses the reply that once broke POST /v1/analyze, on the subject and on a private one', () => {
    expect(() => assertRequestReplyContract('ns.cycle.run', ApiMessages.runCycleRequest, cycleEvent)).toThrow(
      RequestReplyMismatchError,
    );
    expect(requestReplyMismatch('test.private', ApiMessages.runCycleRequest, cycleEvent)).toBe(
      'RunCycleRequest@1 is answered with RunCycleResult@1 on cycle.run (RequestReplyContracts), got CycleEvent@1',
    );
    // A private subject with a consistent pair is the tests' business.
    expect(requestReplyMismatch('test.private', Messages.quoteRequest, Messages.quote)).toBeUndefined();
  });
});
