import type { Clock } from '@ats/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { LRUCache } from 'lru-cache';
import { HttpProblem } from '../errors';

export interface AddressLimitSettings {
  /** Requests per client address in each window, counted before any key is looked up. */
  readonly max: number;
  /** Failed authentications (401) per client address in each window; past it the address gets 429 until the window ends. */
  readonly failedAuthMax: number;
  readonly timeWindowMs: number;
}

/** Twice the per-key budget (600/min), so one office behind one address is not throttled before its keys. */
export const DEFAULT_ADDRESS_LIMIT: AddressLimitSettings = {
  max: 1_200,
  failedAuthMax: 30,
  timeWindowMs: 60_000,
};

/** Addresses remembered at once; the least recently seen is forgotten first, so a spread flood cannot grow memory. */
const MAX_TRACKED_ADDRESSES = 100_000;

interface AddressWindow {
  readonly startedAt: number;
  requests: number;
  failedAuths: number;
}

export interface Refusal {
  readonly reason: string;
  readonly retryAfterSeconds: number;
}

/** Fixed-window counts per client address: all requests, and those that failed authentication. */
export class AddressLimiter {
  readonly #windows = new LRUCache<string, AddressWindow>({ max: MAX_TRACKED_ADDRESSES });

  constructor(
    private readonly settings: AddressLimitSettings,
    private readonly clock: Clock,
  ) {}

  /** Counts one request from `address`; why it is refused when the address is over a limit. */
  admit(address: string): Refusal | undefined {
    const window = this.#current(address);
    window.requests += 1;
    const retryAfterSeconds = Math.max(
      1,
      Math.ceil((window.startedAt + this.settings.timeWindowMs - this.#now()) / 1000),
    );
    if (window.failedAuths >= this.settings.failedAuthMax) {
      return {
        reason: `too many failed authentications from this address; try again in ${retryAfterSeconds} s`,
        retryAfterSeconds,
      };
    }
    if (window.requests > this.settings.max) {
      return {
        reason: `rate limit of ${this.settings.max} requests per ${this.settings.timeWindowMs / 1000} s from this address exceeded`,
        retryAfterSeconds,
      };
    }
    return undefined;
  }

  failedAuthentication(address: string): void {
    this.#current(address).failedAuths += 1;
  }

  #current(address: string): AddressWindow {
    const now = this.#now();
    const existing = this.#windows.get(address);
    if (existing && now - existing.startedAt < this.settings.timeWindowMs) return existing;
    const fresh = { startedAt: now, requests: 0, failedAuths: 0 };
    this.#windows.set(address, fresh);
    return fresh;
  }

  #now(): number {
    return this.clock.now().getTime();
  }
}

/**
 * Installs the address limit on `scope`; call it before the key guard, so a flood of wrong keys is refused before
 * each costs a key lookup in Postgres.
 */
export function installAddressLimit(scope: FastifyInstance, limiter: AddressLimiter): void {
  // Callback hooks: every /v1 request passes them, and a callback costs no promise.
  scope.addHook(
    'onRequest',
    (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      const refusal = limiter.admit(request.ip);
      if (!refusal) return done();
      reply.header('retry-after', String(refusal.retryAfterSeconds));
      done(new HttpProblem(429, refusal.reason));
    },
  );
  scope.addHook(
    'onResponse',
    (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      if (reply.statusCode === 401) limiter.failedAuthentication(request.ip);
      done();
    },
  );
}
