import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Tokens the fake reports per answer, so cost and token totals can be checked exactly. */
export const FAKE_PROMPT_TOKENS = 1_000;
export const FAKE_COMPLETION_TOKENS = 50;
export const FAKE_REASONING_MARK = 'fake model';
/**
 * What one fake answer costs at gpt-4o-mini's list price ($0.15 / $0.60 per million tokens, libs/llm MODEL_PRICES),
 * written out here so the tests check the price table rather than reuse it.
 */
export const FAKE_GPT_4O_MINI_CALL_USD = (FAKE_PROMPT_TOKENS * 0.15 + FAKE_COMPLETION_TOKENS * 0.6) / 1e6;

export interface SeenRequest {
  readonly schemaName: string;
  readonly model: string;
  /** The system and user messages as the model received them. */
  readonly system: string;
  readonly user: string;
}

/** One decision of a batch answer, as the fake gives it back. */
export interface FakeDecision {
  readonly symbol: string;
  readonly signal: string;
  readonly confidence: number;
  readonly reasoning: string;
}

const completionShape = JSON.parse(
  readFileSync(new URL('./fixtures/openai-chat-completion.json', import.meta.url), 'utf8'),
) as { choices: [{ message: { content: string } }]; usage: Record<string, unknown> };

/**
 * A loopback OpenAI Chat Completions endpoint (the response shape recorded in fixtures/): it answers the agents'
 * structured requests in OpenAI's real response shape. Decision batches echo the rule-based decisions it was sent
 * (so answers are deterministic and cover exactly the symbols asked), lowering each confidence by a tenth;
 * the risk review adds no veto. Every HTTP request is counted.
 */
export class FakeOpenAiServer {
  readonly requests: SeenRequest[] = [];

  private constructor(private readonly server: Server) {}

  /**
   * `decide` rewrites each decision of a batch answer (default: the echo described above), e.g. a model that
   * "remembers" the named companies.
   */
  static async start(
    decide: (echo: FakeDecision) => FakeDecision = (echo) => echo,
  ): Promise<FakeOpenAiServer> {
    let fake: FakeOpenAiServer | undefined;
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        model: string;
        messages: { role: string; content: string }[];
        response_format?: { json_schema?: { name?: string } };
      };
      const schemaName = body.response_format?.json_schema?.name ?? '';
      const userText = body.messages.find((m) => m.role === 'user')?.content ?? '{}';
      const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
      fake?.requests.push({ schemaName, model: body.model, system, user: userText });
      const user = JSON.parse(userText);
      const answer =
        schemaName === 'risk_vetoes'
          ? { vetoes: [] }
          : {
              decisions: (
                user.ruleBasedDecisions as { symbol: string; signal: string; confidence: number }[]
              ).map((d) =>
                decide({
                  symbol: d.symbol,
                  signal: d.signal,
                  confidence: Math.round(d.confidence * 90) / 100,
                  reasoning: `${FAKE_REASONING_MARK}: ${d.signal} as the rules say, with a little less confidence`,
                }),
              ),
            };
      const reply = structuredClone(completionShape);
      reply.choices[0].message.content = JSON.stringify(answer);
      reply.usage.prompt_tokens = FAKE_PROMPT_TOKENS;
      reply.usage.completion_tokens = FAKE_COMPLETION_TOKENS;
      reply.usage.total_tokens = FAKE_PROMPT_TOKENS + FAKE_COMPLETION_TOKENS;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
    fake = new FakeOpenAiServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** Base URL as LLM__BASE_URL takes it. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
