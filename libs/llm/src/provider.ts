/** JSON Schema of an answer (an object at the top level, as structured-output APIs require). */
export type AnswerJsonSchema = Record<string, unknown>;

/** One request to a provider, already shaped for structured output. */
export interface ProviderRequest {
  readonly model: string;
  readonly system: string;
  readonly user: string;
  readonly answerSchema: AnswerJsonSchema;
  readonly schemaName: string;
  readonly temperature: number;
  readonly maxTokens: number;
  /** Aborted on timeout or by the caller. */
  readonly signal: AbortSignal;
  /** The repair request: the rejected answer goes back to the model with the reason it was rejected. */
  readonly repair?: { readonly previous: ProviderAnswer; readonly problem: string };
}

/** What a provider answered: the structured answer as JSON text and the tokens it billed. */
export interface ProviderAnswer {
  readonly text: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** The model id the provider reports (may be a dated snapshot of the requested one). */
  readonly model: string;
  /** Provider-specific id needed to continue the conversation (Anthropic's tool_use id). */
  readonly turnId?: string;
}

/**
 * One LLM API behind the structured-completion client. It makes exactly one HTTP call per `send` (no SDK retries;
 * the client owns the retry policy) and maps failures to the typed errors of ./errors.
 */
export interface ChatProvider {
  /** Stable identity used in cache keys, e.g. `openai`, `anthropic`, `openai-compatible(api.groq.com/openai/v1)`. */
  readonly id: string;
  send(request: ProviderRequest): Promise<ProviderAnswer>;
}
