// Types only: the SDK (about 1 MB of JavaScript) is loaded on the first request, so a run without this provider
// (an offline backtest) never loads it.
import type Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { type Clock, systemClock } from '@ats/contracts';
import { LlmEmptyAnswerError } from '../errors';
import type { ChatProvider, ProviderAnswer, ProviderRequest } from '../provider';
import { loadedOnFirstUse } from './lazy-sdk';
import { fromSdkError } from './sdk-errors';

export interface AnthropicMessagesProviderOptions {
  readonly apiKey: string;
  /** Default https://api.anthropic.com (the SDK appends /v1/messages). */
  readonly baseURL?: string;
  readonly sdkTimeoutMs?: number;
  readonly clock?: Clock;
}

const DEFAULT_SDK_TIMEOUT_MS = 120_000;

interface LoadedSdk {
  readonly Sdk: typeof Anthropic;
  readonly client: Anthropic;
}

/**
 * Messages API through the official `@anthropic-ai/sdk`. Structured output the documented way: one tool whose
 * `input_schema` is the answer schema, forced with `tool_choice: {type: 'tool', name}`; the answer is the tool_use
 * block's input.
 */
export class AnthropicMessagesProvider implements ChatProvider {
  readonly id = 'anthropic';
  /** The SDK class (its error classes map failures) and the client, made on the first request. */
  readonly #loadSdk = loadedOnFirstUse<LoadedSdk>('@anthropic-ai/sdk', async () => {
    const { default: Sdk } = await import('@anthropic-ai/sdk');
    return {
      Sdk,
      // maxRetries 0: the structured client retries, so every HTTP call is ours to count and bound.
      client: new Sdk({
        apiKey: this.options.apiKey,
        baseURL: this.options.baseURL?.replace(/\/+$/, ''),
        maxRetries: 0,
        timeout: this.options.sdkTimeoutMs ?? DEFAULT_SDK_TIMEOUT_MS,
      }),
    };
  });
  private readonly clock: Clock;

  constructor(private readonly options: AnthropicMessagesProviderOptions) {
    this.clock = options.clock ?? systemClock;
  }

  async send(request: ProviderRequest): Promise<ProviderAnswer> {
    const params: MessageCreateParamsNonStreaming = {
      model: request.model,
      max_tokens: request.maxTokens,
      // No temperature: the Messages API of this SDK (1.14) no longer takes one; the model's sampling applies.
      system: request.system,
      messages: this.messages(request),
      tools: [
        {
          name: request.schemaName,
          description: `Record the answer. The input must match the ${request.schemaName} schema exactly.`,
          input_schema: request.answerSchema as Anthropic.Messages.Tool.InputSchema,
        },
      ],
      tool_choice: { type: 'tool', name: request.schemaName, disable_parallel_tool_use: true },
    };
    const { Sdk, client } = await this.#loadSdk();
    let message: Anthropic.Messages.Message;
    try {
      message = await client.messages.create(params, { signal: request.signal });
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
    if (message.stop_reason === 'max_tokens') {
      throw new LlmEmptyAnswerError(this.id, request.model, `cut at max tokens (${request.maxTokens})`);
    }
    const toolUse = message.content.find(
      (block): block is Anthropic.Messages.ToolUseBlock =>
        block.type === 'tool_use' && block.name === request.schemaName,
    );
    if (!toolUse) {
      throw new LlmEmptyAnswerError(
        this.id,
        request.model,
        `no ${request.schemaName} tool call (stop_reason ${message.stop_reason})`,
      );
    }
    return {
      text: JSON.stringify(toolUse.input),
      promptTokens: message.usage.input_tokens,
      completionTokens: message.usage.output_tokens,
      model: message.model,
      turnId: toolUse.id,
    };
  }

  private messages(request: ProviderRequest): MessageParam[] {
    const messages: MessageParam[] = [{ role: 'user', content: request.user }];
    const repair = request.repair;
    if (repair?.previous.turnId) {
      // A tool_use turn must be answered by its tool_result; is_error tells the model to call the tool again.
      messages.push(
        {
          role: 'assistant',
          content: [
            {
              type: 'tool_use',
              id: repair.previous.turnId,
              name: request.schemaName,
              input: parseOrText(repair.previous.text),
            },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: repair.previous.turnId,
              is_error: true,
              content: `Rejected: ${repair.problem}. Call ${request.schemaName} again with corrected input.`,
            },
          ],
        },
      );
    }
    return messages;
  }
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: text };
  }
}
