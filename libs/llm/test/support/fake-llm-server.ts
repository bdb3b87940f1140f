import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted HTTP answer of the fake. */
export interface FakeReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** JSON body (objects are serialised), or raw text. */
  readonly body: unknown;
  /** Wait before answering (a slow provider). */
  readonly delayMs?: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
  readonly receivedAtMs: number;
}

export interface FakeLlmServerOptions {
  /** The one path the fake serves, e.g. /v1/chat/completions, /openai/v1/chat/completions, /v1/messages. */
  readonly path: string;
  /** Answers when the script is empty. */
  readonly respond?: (request: RecordedRequest, index: number) => FakeReply;
  /** Error body for unknown paths, in the provider's format. */
  readonly notFoundBody?: unknown;
}

/**
 * A loopback provider (node:http on 127.0.0.1:0) answering with scripted replies in the providers' real shapes.
 * Counts requests and the most requests it ever had in flight at once.
 */
export class FakeLlmServer {
  readonly requests: RecordedRequest[] = [];
  maxInFlight = 0;
  private inFlight = 0;
  private readonly script: FakeReply[] = [];

  private constructor(
    private readonly server: Server,
    private readonly options: FakeLlmServerOptions,
  ) {}

  static async start(options: FakeLlmServerOptions): Promise<FakeLlmServer> {
    let fake: FakeLlmServer | undefined;
    const server = createServer((req, res) => {
      void fake?.handle(req, res);
    });
    fake = new FakeLlmServer(server, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** http://127.0.0.1:<port> */
  get origin(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The JSON body of request `index` (throws when the fake did not receive it). */
  body(index: number): Record<string, unknown> {
    const request = this.requests[index];
    if (!request) throw new Error(`fake received ${this.requests.length} request(s), not #${index}`);
    return request.body;
  }

  /** The `messages` array of request `index`. */
  messages(index: number): Array<Record<string, unknown>> {
    return this.body(index).messages as Array<Record<string, unknown>>;
  }

  /** Queue replies served in order before falling back to `respond`. */
  enqueue(...replies: FakeReply[]): void {
    this.script.push(...replies);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (req.method !== 'POST' || path !== this.options.path) {
      send(res, {
        status: 404,
        body: this.options.notFoundBody ?? { error: { message: `no route ${path}` } },
      });
      return;
    }
    const request: RecordedRequest = {
      method: req.method,
      path,
      headers: req.headers,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      receivedAtMs: Date.now(),
    };
    const index = this.requests.length;
    this.requests.push(request);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const reply = this.script.shift() ?? this.options.respond?.(request, index);
      if (!reply) {
        send(res, {
          status: 500,
          body: { error: { message: 'fake: no reply scripted', type: 'server_error' } },
        });
        return;
      }
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      send(res, reply);
    } finally {
      this.inFlight -= 1;
    }
  }
}

function send(res: ServerResponse, reply: FakeReply): void {
  // The client may have given up (timeout): nothing to answer.
  if (res.destroyed || res.writableEnded) return;
  const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
  res.end(body);
}

const fixtureDir = new URL('../fixtures/', import.meta.url);

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, fixtureDir), 'utf8')) as T;
}

/** A chat.completion in OpenAI's shape with the given message content and token counts. */
export function openAiCompletion(
  content: string,
  usage: { prompt: number; completion: number } = { prompt: 1117, completion: 46 },
): FakeReply {
  const body = fixture<{ choices: [{ message: { content: string } }]; usage: Record<string, unknown> }>(
    'openai-chat-completion.json',
  );
  body.choices[0].message.content = content;
  body.usage.prompt_tokens = usage.prompt;
  body.usage.completion_tokens = usage.completion;
  body.usage.total_tokens = usage.prompt + usage.completion;
  return { body };
}

/** An Anthropic message whose only content block is a tool_use of `name` with `input`. */
export function anthropicToolUse(
  name: string,
  input: unknown,
  usage: { input: number; output: number } = { input: 472, output: 89 },
): FakeReply {
  const body = fixture<{
    content: [{ name: string; input: unknown; id: string }];
    usage: Record<string, unknown>;
  }>('anthropic-message-tool-use.json');
  body.content[0].name = name;
  body.content[0].input = input;
  body.usage.input_tokens = usage.input;
  body.usage.output_tokens = usage.output;
  return { body };
}
