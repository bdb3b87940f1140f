import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createServiceRegistry, registerBusCollector, registerTradingMetrics } from '@ats/metrics';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, readRepoFile } from './deployment-files';

interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly labels?: { severity?: string };
  readonly annotations?: { summary?: string };
}

const rules = (
  parse(readRepoFile('ops/alerts.rules.yml')) as { groups: { rules: AlertRule[] }[] }
).groups.flatMap((g) => g.rules);

const PROMQL_KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);
/** Series Prometheus itself produces for every target. */
const PROMETHEUS_SERIES = new Set(['up', 'scrape_duration_seconds']);

/** Metric names an expression selects: identifiers that are not functions, keywords, labels or durations. */
function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const token = match[0];
    const rest = stripped.slice((match.index ?? 0) + token.length);
    if (/^\s*\(/.test(rest) || PROMQL_KEYWORDS.has(token.toLowerCase())) continue;
    names.add(token);
  }
  return [...names];
}

/** Every series name a service registry with all @ats/metrics families exposes (histograms expanded). */
async function exposedSeriesNames(): Promise<Set<string>> {
  const registry = createServiceRegistry({ service: 'check' });
  registerTradingMetrics(registry);
  registerBusCollector(registry, {
    stats: () => ({
      published: 0,
      delivered: 0,
      invalid: 0,
      rejectedOutgoing: 0,
      deadLettered: { total: 0, byKind: {} },
    }),
    consumerLag: async () => [],
  });
  const names = new Set<string>(PROMETHEUS_SERIES);
  for (const metric of await registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram')
      for (const s of ['_bucket', '_sum', '_count']) names.add(metric.name + s);
    if (String(metric.type) === 'summary') for (const s of ['_sum', '_count']) names.add(metric.name + s);
  }
  return names;
}

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;

describe('ops/alerts.rules.yml', () => {
  it('finds metric names in PromQL without functions, labels or keywords', () => {
    expect(
      metricNamesIn(
        'sum by (service, kind) (increase(ats_bus_dead_letters_total{kind="x"}[10m])) > on (a) up',
      ),
    ).toEqual(['ats_bus_dead_letters_total', 'up']);
  });

  it('uses only metrics that @ats/metrics (or Prometheus itself) exposes', async () => {
    const exposed = await exposedSeriesNames();
    expect(rules.length).toBeGreaterThanOrEqual(15);
    for (const rule of rules) {
      const unknown = metricNamesIn(rule.expr).filter((name) => !exposed.has(name));
      expect(unknown, rule.alert).toEqual([]);
    }
  });

  it('covers errors, portfolio, rate limits, resources and dead letters, each with severity and summary', () => {
    const names = rules.map((r) => r.alert);
    for (const required of [
      'HighErrorRate',
      'DrawdownBeyondLimit',
      'EquityJump',
      'ProviderRateLimitViolations',
      'MemoryHigh',
      'EventLoopLag',
      'ConsumerLagGrowing',
      'DeadLetters',
    ]) {
      expect(names).toContain(required);
    }
    for (const rule of rules) {
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
    }
  });

  it.skipIf(!promtool)('passes promtool check rules, its unit tests and the Prometheus config check', () => {
    const ops = join(REPO_ROOT, 'ops');
    for (const args of [
      ['check', 'rules', 'alerts.rules.yml'],
      ['test', 'rules', 'alerts.test.yml'],
      ['check', 'config', 'prometheus.yml'],
    ]) {
      const run = spawnSync('promtool', args, { cwd: ops, encoding: 'utf8' });
      expect(run.status, `promtool ${args.join(' ')}\n${run.stdout}${run.stderr}`).toBe(0);
    }
  });
});
