import { randomBytes } from 'node:crypto';
import { defineMessage, Messages } from '@ats/contracts';
import { z } from 'zod';
import type { Bus, BusHeaders, BusOptions } from '../src/index';

/** A bus implementation under test plus the raw access the contract tests need to misbehave on purpose. */
export interface BusHarness {
  /** Unique first subject token for this run, so concurrent runs and other suites never collide. */
  readonly prefix: string;
  /** Unique stream-name prefix (upper case). */
  readonly streamPrefix: string;
  createBus(name: string, options?: Omit<BusOptions, 'name'>): Promise<Bus>;
  /** Publishes bytes with chosen headers, bypassing all validation (a buggy or foreign producer). */
  publishRaw(subject: string, body: string, headers: BusHeaders): Promise<void>;
  /** A request with chosen bytes and headers; resolves to the reply body. */
  requestRaw(subject: string, body: string, headers: BusHeaders): Promise<string>;
  /** Records every raw message on a subject (wildcards allowed), e.g. dead letters. */
  collect(subject: string): Promise<RawCollector>;
  teardown(): Promise<void>;
}

export interface RawCollector {
  readonly messages: { subject: string; body: string; headers: BusHeaders }[];
  close(): Promise<void>;
}

export function uniqueRunId(): string {
  const fromEnv = process.env.ATS_TEST_RUN_ID?.toLowerCase().replace(/[^a-z0-9]/g, '');
  return `t${fromEnv ? `${fromEnv.slice(0, 12)}` : ''}${randomBytes(4).toString('hex')}`;
}

/**
 * A test deadline stretched by ATS_TEST_TIME_SCALE, the variable @ats/tool-testing reads (this lib sits below that
 * one in the dependency graph, so it reads the variable itself).
 */
export function within(ms: number): number {
  const scale = Number(process.env.ATS_TEST_TIME_SCALE ?? '');
  return Math.round(ms * (Number.isFinite(scale) && scale >= 1 ? scale : 1));
}

/** Timeout for a test request expected to succeed: generous, since a busy machine may take seconds to answer. */
export const requestTimeoutMs = () => within(30_000);

/** Polls `condition` against a generous deadline (a condition met early costs nothing). */
export async function waitFor(
  condition: () => boolean,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<void> {
  const budget = within(timeoutMs);
  const deadline = Date.now() + budget;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${budget} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A valid daily bar; `i` shifts the day and price so messages are distinguishable. */
export function bar(i: number, symbol = 'AAPL') {
  const day = new Date(Date.UTC(2023, 0, 3 + i));
  const close = 100 + i;
  return {
    symbol,
    timeframe: '1d' as const,
    ts: day.toISOString(),
    open: close - 1,
    high: close + 1,
    low: close - 2,
    close,
    volume: 1000 + i,
    adjusted: true,
  };
}

export const BarV1 = Messages.bar;
export const QuoteRequest = Messages.quoteRequest;
export const Quote = Messages.quote;

/** A job type with a trivial schema for the JetStream tests. */
export const Job = defineMessage(
  'TestJob',
  1,
  z.object({ jobId: z.string().min(1), attempt: z.number().int().default(0) }),
);
