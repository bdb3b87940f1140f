import { type Clock, systemClock } from '@ats/contracts';
import { answerJsonSchema, checkAnswer } from './answer-schema';
import type { LlmCacheStore } from './cache/cache-store';
import { cacheKey } from './canonical-json';
import { LlmAbortedError, LlmCacheMissError, LlmSchemaError, LlmTimeoutError } from './errors';
import {
  inSlot,
  type RequestBudget,
  type RequestSlots,
  requestBudget,
  requestSlots,
  takeToken,
} from './limits';
import { costOf, MODEL_PRICES, type ModelPrice } from './prices';
import type { AnswerJsonSchema, ChatProvider, ProviderAnswer, ProviderRequest } from './provider';
import { DEFAULT_RETRY_POLICY, isTransient, type RetryPolicy, retryDelayMs } from './retry-policy';
import { realSleep, type Sleep } from './sleep';
import type { LlmCacheMode, LlmClient, LlmRequest, LlmResponse, LlmUsage, LlmUsageTotals } from './types';

export interface StructuredLlmClientOptions {
  readonly provider: ChatProvider;
  /** Model used when a request names none (LLM__MODEL). */
  readonly model: string;
  readonly cacheMode: LlmCacheMode;
  readonly cacheStore: LlmCacheStore;
  /** Limit for one HTTP attempt (LLM__TIMEOUT_MS). */
  readonly timeoutMs: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Requests in flight at once. */
  readonly maxConcurrency?: number;
  /** Token-bucket rate limit on HTTP requests (cache hits are free). */
  readonly requestsPerMinute?: number;
  readonly burst?: number;
  readonly prices?: Readonly<Record<string, ModelPrice>>;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  /** Jitter source in [0, 1); inject a fixed one for reproducible tests. */
  readonly random?: () => number;
}

export const DEFAULT_MAX_CONCURRENCY = 4;
export const DEFAULT_REQUESTS_PER_MINUTE = 60;
export const DEFAULT_BURST = 10;

const NO_USAGE: LlmUsage = { promptTokens: 0, completionTokens: 0, costUsd: 0 };

/** Usage before the first call (and of a reasoner that never calls: the offline rules). */
export const ZERO_USAGE_TOTALS: LlmUsageTotals = {
  calls: 0,
  cachedCalls: 0,
  requests: 0,
  retries: 0,
  schemaRepairs: 0,
  failures: 0,
  promptTokens: 0,
  completionTokens: 0,
  costUsd: 0,
  unpricedResponses: 0,
};

type MutableTotals = { -readonly [K in keyof LlmUsageTotals]: LlmUsageTotals[K] };

/**
 * Structured completion around one provider: cache lookup, then up to 1 + retryAttempts HTTP attempts (each under
 * the timeout, the concurrency limit and the rate limit), one repair request when the answer does not parse or
 * validate, token and cost accounting, and the validated answer stored for the next identical call.
 */
export class StructuredLlmClient implements LlmClient {
  private readonly provider: ChatProvider;
  private readonly retry: RetryPolicy;
  private readonly slots: RequestSlots;
  private readonly budget: RequestBudget;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly prices: Readonly<Record<string, ModelPrice>>;
  private readonly totals: MutableTotals = { ...ZERO_USAGE_TOTALS };

  constructor(private readonly options: StructuredLlmClientOptions) {
    this.provider = options.provider;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.prices = options.prices ?? MODEL_PRICES;
    this.slots = requestSlots(options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
    this.budget = requestBudget(
      options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
      options.burst ?? DEFAULT_BURST,
    );
  }

  /** Totals since this client was built. */
  usage(): LlmUsageTotals {
    return { ...this.totals };
  }

  get providerId(): string {
    return this.provider.id;
  }

  async complete<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
    this.totals.calls += 1;
    try {
      return await this.completeOnce(request);
    } catch (error) {
      this.totals.failures += 1;
      throw error;
    }
  }

  private async completeOnce<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
    const model = request.model ?? this.options.model;
    const schema = answerJsonSchema(request.schema, request.schemaName);
    const identity = {
      provider: this.provider.id,
      model,
      temperature: request.temperature,
      system: request.system,
      user: request.user,
      schema,
      schemaName: request.schemaName,
    };
    const key = cacheKey(identity);
    const mode = this.options.cacheMode;

    if (mode !== 'off') {
      const hit = await this.options.cacheStore.get(key);
      if (hit) {
        const parsed = request.schema.safeParse(hit.answer);
        if (parsed.success) {
          this.totals.cachedCalls += 1;
          return { value: parsed.data, usage: NO_USAGE, cached: true };
        }
        if (mode === 'replay') {
          throw new LlmSchemaError(
            this.provider.id,
            model,
            request.schemaName,
            parsed.error.issues,
            JSON.stringify(hit.answer),
            'the cached answer no longer validates',
          );
        }
        // read-write: an entry the schema no longer accepts is treated as a miss and answered afresh.
      } else if (mode === 'replay') {
        throw new LlmCacheMissError(this.provider.id, model, key);
      }
    }

    const { value, json, usage } = await this.answerWithRepair(request, model, schema);
    if (mode === 'read-write') {
      await this.options.cacheStore.put({
        key,
        provider: this.provider.id,
        model,
        request: identity,
        answer: json,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        costUsd: usage.costUsd,
      });
    }
    return { value, usage, cached: false };
  }

  /** First answer; when it does not parse or validate, exactly one repair request carrying the problem back. */
  private async answerWithRepair<T>(
    request: LlmRequest<T>,
    model: string,
    answerSchema: AnswerJsonSchema,
  ): Promise<{ value: T; json: unknown; usage: LlmUsage }> {
    const base = {
      model,
      system: request.system,
      user: request.user,
      answerSchema,
      schemaName: request.schemaName,
      temperature: request.temperature,
      maxTokens: request.maxTokens,
    };
    const first = await this.sendWithRetries(base, request.signal);
    let usage = first.usage;
    const firstCheck = checkAnswer(first.answer.text, request.schema);
    if (firstCheck.ok) return { value: firstCheck.value, json: firstCheck.json, usage };

    this.totals.schemaRepairs += 1;
    const second = await this.sendWithRetries(
      { ...base, repair: { previous: first.answer, problem: firstCheck.problem } },
      request.signal,
    );
    usage = addUsage(usage, second.usage);
    const secondCheck = checkAnswer(second.answer.text, request.schema);
    if (secondCheck.ok) return { value: secondCheck.value, json: secondCheck.json, usage };
    throw new LlmSchemaError(
      this.provider.id,
      model,
      request.schemaName,
      secondCheck.issues,
      second.answer.text,
      secondCheck.problem,
    );
  }

  private async sendWithRetries(
    request: Omit<ProviderRequest, 'signal'>,
    callerSignal: AbortSignal | undefined,
  ): Promise<{ answer: ProviderAnswer; usage: LlmUsage }> {
    for (let attempt = 0; ; attempt += 1) {
      if (callerSignal?.aborted) throw new LlmAbortedError(this.provider.id, request.model);
      let failure: unknown;
      try {
        const answer = await this.attempt(request, callerSignal);
        return { answer, usage: this.account(request.model, answer) };
      } catch (error) {
        failure = error;
      }
      if (!isTransient(failure) || attempt >= this.retry.retryAttempts) throw failure;
      const delay = retryDelayMs(failure, attempt, this.retry, this.random);
      if (delay === undefined) throw failure;
      try {
        await this.sleep(delay, callerSignal);
      } catch {
        throw new LlmAbortedError(this.provider.id, request.model);
      }
      this.totals.retries += 1;
    }
  }

  /** One HTTP request: rate limit, concurrency slot, and the timeout raced against the provider. */
  private async attempt(
    request: Omit<ProviderRequest, 'signal'>,
    callerSignal: AbortSignal | undefined,
  ): Promise<ProviderAnswer> {
    try {
      await takeToken(this.budget, callerSignal);
      return await inSlot(this.slots, () => this.send(request, callerSignal), callerSignal);
    } catch (error) {
      if (callerSignal?.aborted) throw new LlmAbortedError(this.provider.id, request.model);
      throw error;
    }
  }

  /** The request raced against the timeout; the caller's abort is passed on to the provider. */
  private async send(
    request: Omit<ProviderRequest, 'signal'>,
    callerSignal: AbortSignal | undefined,
  ): Promise<ProviderAnswer> {
    const controller = new AbortController();
    const onCallerAbort = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    // The race returns on time even from a provider that ignores its signal.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new LlmTimeoutError(this.provider.id, request.model, this.options.timeoutMs);
        controller.abort(error);
        reject(error);
      }, this.options.timeoutMs);
    });
    try {
      this.totals.requests += 1;
      return await Promise.race([this.provider.send({ ...request, signal: controller.signal }), timeout]);
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }

  private account(model: string, answer: ProviderAnswer): LlmUsage {
    const priced = costOf(model, answer.promptTokens, answer.completionTokens, this.prices);
    this.totals.promptTokens += answer.promptTokens;
    this.totals.completionTokens += answer.completionTokens;
    this.totals.costUsd += priced.costUsd;
    if (priced.unpriced) this.totals.unpricedResponses += 1;
    return {
      promptTokens: answer.promptTokens,
      completionTokens: answer.completionTokens,
      costUsd: priced.costUsd,
      ...(priced.unpriced ? { unpriced: true } : {}),
    };
  }
}

function addUsage(a: LlmUsage, b: LlmUsage): LlmUsage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    costUsd: a.costUsd + b.costUsd,
    ...(a.unpriced || b.unpriced ? { unpriced: true } : {}),
  };
}
