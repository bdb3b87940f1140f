import type { ErrorReply } from '@ats/contracts';

/** A remote agent answered with an error reply (invalid request, internal failure...). */
export class RemoteAgentError extends Error {
  override readonly name = 'RemoteAgentError';
  constructor(
    readonly agent: string,
    readonly subject: string,
    readonly reply: ErrorReply,
  ) {
    super(`${agent} agent on ${subject} answered ${reply.code}: ${reply.message}`);
  }
  get code(): ErrorReply['code'] {
    return this.reply.code;
  }
}
