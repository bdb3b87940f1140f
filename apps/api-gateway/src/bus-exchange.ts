import type { Bus, PayloadOf } from '@ats/bus';
import type { ErrorReply, MessageOf, RequestReplyContract } from '@ats/contracts';
import { HttpProblem, STATUS_BY_REPLY_CODE } from './errors';

export interface ExchangeOptions {
  readonly timeoutMs: number;
  /** The HTTP request id: the bus request and the answering service log under it. */
  readonly correlationId: string;
  /** HTTP status of a bus error code where a route answers differently (e.g. 404 for an unknown cycle). */
  readonly statusOf?: Partial<Record<ErrorReply['code'], number>>;
}

/**
 * One request over a RequestReplyContracts row on behalf of an HTTP route: the reply's data, or the HTTP answer
 * for the service's error (STATUS_BY_REPLY_CODE, overridable per route). Every route that asks a service goes
 * through here, so they all answer a service's refusal the same way.
 */
export async function askService<C extends RequestReplyContract>(
  bus: Bus,
  subject: string,
  contract: C,
  payload: PayloadOf<C['request']>,
  options: ExchangeOptions,
): Promise<MessageOf<C['reply']>> {
  const answer = await bus.request(subject, contract.request, contract.reply, payload, {
    timeoutMs: options.timeoutMs,
    correlationId: options.correlationId,
  });
  if (answer.ok) return answer.data as MessageOf<C['reply']>;
  const { code, message } = answer.error;
  throw new HttpProblem(options.statusOf?.[code] ?? STATUS_BY_REPLY_CODE[code], message);
}
