import { type BacktestRequest, BacktestRequestSchema, parseContract } from '@ats/contracts';

/** One swept parameter: a request path (`rebalance`, `weights.technical`) and the values to try. */
export interface SweepAxis {
  readonly path: string;
  readonly values: readonly (number | string | boolean)[];
}

export interface WalkForward {
  readonly months: number;
}

/** One job of a sweep: the parameters it varies, its window, and the full request. */
export interface SweepCase {
  readonly label: string;
  readonly params: Readonly<Record<string, number | string | boolean>>;
  readonly window: { readonly start: string; readonly end: string };
  readonly request: BacktestRequest;
}

export class SweepSpecError extends Error {
  override readonly name = 'SweepSpecError';
}

/** Paths a sweep may set: the request's scalar fields and the consensus weights. */
const SWEEPABLE = new Set([
  'weights.technical',
  'weights.sentiment',
  'pattern',
  'rebalance',
  'strategy',
  'capital',
  'commissionBps',
  'slippageBps',
  'riskFreeRate',
  'warmupBars',
  'benchmark',
  'llmProvider',
  'weighting',
]);

/** `weights.technical=0.4,0.6,0.8` → an axis; numbers stay numbers, `true`/`false` booleans. */
export function parseSweepAxis(text: string): SweepAxis {
  const eq = text.indexOf('=');
  const path = text.slice(0, eq).trim();
  if (eq < 0 || !SWEEPABLE.has(path)) {
    throw new SweepSpecError(
      `--sweep wants PATH=V1,V2,... with PATH one of ${[...SWEEPABLE].join(', ')} (got "${text}")`,
    );
  }
  const values = text
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => (v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v));
  if (values.length === 0) throw new SweepSpecError(`--sweep ${path} has no values`);
  if (new Set(values).size !== values.length) throw new SweepSpecError(`--sweep ${path} repeats a value`);
  return { path, values };
}

/** `6m` → 6 months, `1y` → 12 months. */
export function parseWalkForward(text: string): WalkForward {
  const match = /^(\d+)\s*([my])$/i.exec(text.trim());
  const count = Number(match?.[1]);
  if (!match || count < 1)
    throw new SweepSpecError(`--walk-forward wants N m or N y, e.g. 6m or 1y (got "${text}")`);
  return { months: match[2]?.toLowerCase() === 'y' ? count * 12 : count };
}

/**
 * Consecutive calendar windows of `months` covering [start, end], the last one cut at `end`. Each window is its
 * own out-of-sample backtest: its warm-up bars come from before its start, so no window sees another's future.
 */
export function walkForwardWindows(
  start: string,
  end: string,
  months: number,
): { start: string; end: string }[] {
  const windows: { start: string; end: string }[] = [];
  const first = new Date(`${start}T00:00:00.000Z`);
  const last = new Date(`${end}T00:00:00.000Z`);
  // Each boundary is counted from the first start (not chained), so month ends do not drift (Jan 31 → Feb 28 → Mar 31).
  for (let k = 0; ; k++) {
    const from = addMonths(first, k * months);
    if (from > last) break;
    const to = new Date(Math.min(addMonths(first, (k + 1) * months).getTime() - MS_PER_DAY, last.getTime()));
    windows.push({ start: isoDate(from), end: isoDate(to) });
  }
  return windows;
}

/** Calendar months later, the day clamped to the month's last day. */
function addMonths(date: Date, months: number): Date {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay)));
}

/** Every combination of the axes (in the order given) for every window; each request validated. */
export function expandSweep(
  base: BacktestRequest,
  axes: readonly SweepAxis[],
  walkForward?: WalkForward,
): SweepCase[] {
  const windows = walkForward
    ? walkForwardWindows(base.start, base.end, walkForward.months)
    : [{ start: base.start, end: base.end }];
  let combos: Record<string, number | string | boolean>[] = [{}];
  for (const axis of axes) {
    combos = combos.flatMap((combo) => axis.values.map((value) => ({ ...combo, [axis.path]: value })));
  }
  const cases: SweepCase[] = [];
  for (const window of windows) {
    for (const params of combos) {
      const raw: Record<string, unknown> = structuredClone({ ...base, ...window });
      for (const [path, value] of Object.entries(params)) setPath(raw, path, value);
      const label = [
        ...Object.entries(params).map(([k, v]) => `${k}=${v}`),
        ...(walkForward ? [`${window.start}..${window.end}`] : []),
      ].join(' ');
      cases.push({
        label: label || 'base',
        params,
        window,
        request: parseContract(BacktestRequestSchema, raw, `sweep case ${label}`),
      });
    }
  }
  return cases;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1) as string] = value;
}

const MS_PER_DAY = 86_400_000;
const isoDate = (d: Date) => d.toISOString().slice(0, 10);
