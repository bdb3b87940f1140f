import { type Clock, systemClock } from '@ats/contracts';
// Types only: the SDK is loaded on the first request, so a run without this provider (an offline backtest) never
// loads it.
import type OpenAI from 'openai';
import type {
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { isStrictCompatible } from '../answer-schema';
import { LlmEmptyAnswerError, LlmHttpError } from '../errors';
import type { ChatProvider, ProviderAnswer, ProviderRequest } from '../provider';
import { loadedOnFirstUse } from './lazy-sdk';
import { fromSdkError } from './sdk-errors';

/**
 * How the answer's shape is requested: `json_schema` (Structured Outputs: the schema constrains decoding),
 * `json_object` (JSON mode: the schema goes into the system prompt, for endpoints without json_schema), or `auto`
 * (json_schema, switching to json_object for good once the endpoint rejects response_format json_schema).
 */
export type StructuredOutputMode = 'json_schema' | 'json_object' | 'auto';

export interface OpenAiChatProviderOptions {
  readonly apiKey: string;
  /** e.g. https://api.openai.com/v1 (default), https://api.groq.com/openai/v1, http://127.0.0.1:11434/v1. */
  readonly baseURL?: string;
  /** `openai` for api.openai.com; `openai-compatible` for anything else speaking its chat-completions API. */
  readonly kind: 'openai' | 'openai-compatible';
  readonly structuredOutput?: StructuredOutputMode;
  /** Strict json_schema; default: strict when the schema allows it (all properties required, objects closed). */
  readonly strict?: boolean;
  /** The SDK's own timeout, a backstop behind the client's per-attempt timeout. */
  readonly sdkTimeoutMs?: number;
  readonly clock?: Clock;
}

const DEFAULT_SDK_TIMEOUT_MS = 120_000;

interface LoadedSdk {
  readonly Sdk: typeof OpenAI;
  readonly client: OpenAI;
}

/** Chat Completions through the official `openai` SDK, for OpenAI and any OpenAI-compatible endpoint. */
export class OpenAiChatProvider implements ChatProvider {
  readonly id: string;
  /** The SDK class (its error classes map failures) and the client, made on the first request. */
  readonly #loadSdk = loadedOnFirstUse<LoadedSdk>('openai', async () => {
    const { default: Sdk } = await import('openai');
    return {
      Sdk,
      // maxRetries 0: the structured client retries, so every HTTP call is ours to count and bound.
      client: new Sdk({
        apiKey: this.options.apiKey,
        baseURL: this.baseURL,
        maxRetries: 0,
        timeout: this.options.sdkTimeoutMs ?? DEFAULT_SDK_TIMEOUT_MS,
      }),
    };
  });
  private readonly baseURL: string | undefined;
  private mode: StructuredOutputMode;
  private readonly clock: Clock;

  constructor(private readonly options: OpenAiChatProviderOptions) {
    const baseURL = options.baseURL?.replace(/\/+$/, '');
    this.baseURL = baseURL;
    this.id =
      options.kind === 'openai'
        ? 'openai'
        : `openai-compatible(${(baseURL ?? '').replace(/^https?:\/\//, '')})`;
    this.mode = options.structuredOutput ?? 'json_schema';
    this.clock = options.clock ?? systemClock;
  }

  /** The structured-output mode in use (after an `auto` fallback: json_object). */
  get structuredOutput(): StructuredOutputMode {
    return this.mode;
  }

  async send(request: ProviderRequest): Promise<ProviderAnswer> {
    try {
      return await this.sendOnce(request, this.mode === 'json_object' ? 'json_object' : 'json_schema');
    } catch (error) {
      if (this.mode === 'auto' && rejectsJsonSchema(error)) {
        this.mode = 'json_object';
        return this.sendOnce(request, 'json_object');
      }
      throw error;
    }
  }

  private async sendOnce(
    request: ProviderRequest,
    mode: 'json_schema' | 'json_object',
  ): Promise<ProviderAnswer> {
    const params: ChatCompletionCreateParamsNonStreaming = {
      model: request.model,
      messages: this.messages(request, mode),
      temperature: request.temperature,
      response_format:
        mode === 'json_schema'
          ? {
              type: 'json_schema',
              json_schema: {
                name: request.schemaName,
                schema: request.answerSchema,
                strict: this.options.strict ?? isStrictCompatible(request.answerSchema),
              },
            }
          : { type: 'json_object' },
      // OpenAI's newer models accept only max_completion_tokens; compatible servers know max_tokens.
      ...(this.options.kind === 'openai'
        ? { max_completion_tokens: request.maxTokens }
        : { max_tokens: request.maxTokens }),
    };
    const { Sdk, client } = await this.#loadSdk();
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await client.chat.completions.create(params, { signal: request.signal });
    } catch (error) {
      throw fromSdkError(
        error,
        Sdk,
        this.id,
        request.model,
        this.clock.now().getTime(),
        this.options.sdkTimeoutMs ?? DEFAULT_SDK_TIMEOUT_MS,
      );
    }
    const choice = completion.choices[0];
    const message = choice?.message;
    if (message?.refusal)
      throw new LlmEmptyAnswerError(this.id, request.model, `refused: ${message.refusal}`);
    if (choice?.finish_reason === 'length') {
      throw new LlmEmptyAnswerError(this.id, request.model, `cut at max tokens (${request.maxTokens})`);
    }
    if (typeof message?.content !== 'string' || message.content.trim() === '') {
      throw new LlmEmptyAnswerError(
        this.id,
        request.model,
        `no content (finish_reason ${choice?.finish_reason})`,
      );
    }
    return {
      text: message.content,
      promptTokens: completion.usage?.prompt_tokens ?? 0,
      completionTokens: completion.usage?.completion_tokens ?? 0,
      model: completion.model,
    };
  }

  private messages(
    request: ProviderRequest,
    mode: 'json_schema' | 'json_object',
  ): ChatCompletionMessageParam[] {
    // JSON mode does not see the schema, and requires the word "JSON" in the conversation.
    const system =
      mode === 'json_object'
        ? `${request.system}\n\nAnswer with one JSON object only, matching this JSON Schema (${request.schemaName}):\n${JSON.stringify(request.answerSchema)}`
        : request.system;
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: system },
      { role: 'user', content: request.user },
    ];
    if (request.repair) {
      messages.push(
        { role: 'assistant', content: request.repair.previous.text },
        {
          role: 'user',
          content: `Your answer was rejected: ${request.repair.problem}. Answer again with the corrected JSON object only.`,
        },
      );
    }
    return messages;
  }
}

// Endpoints without Structured Outputs answer 400/422 naming response_format or json_schema.
function rejectsJsonSchema(error: unknown): boolean {
  return (
    error instanceof LlmHttpError &&
    (error.status === 400 || error.status === 422) &&
    /response_format|json_schema/i.test(error.providerMessage)
  );
}
