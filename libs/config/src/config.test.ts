import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_SCHEMA, loadConfig } from './index';

describe('loadConfig', () => {
  it('works offline with no keys and nests by __', () => {
    const config = loadConfig({ env: {}, envFile: null });
    expect(config.llm.provider).toBe('offline');
    expect(config.trading.initialCapital).toBe(100_000);
    expect(config.trading.symbols).toEqual(['AAPL', 'GOOGL', 'MSFT', 'NVDA', 'TSLA']);
    expect(config.secretValues).toEqual([]);
  });

  it('accepts symbols as a JSON array or a comma list and coerces numbers', () => {
    const a = loadConfig({
      env: { TRADING__SYMBOLS: '["AAPL","GOOGL"]', TRADING__INITIAL_CAPITAL: '250000' },
      envFile: null,
    });
    expect(a.trading.symbols).toEqual(['AAPL', 'GOOGL']);
    expect(a.trading.initialCapital).toBe(250_000);
    expect(loadConfig({ env: { TRADING__SYMBOLS: 'MSFT, NVDA' }, envFile: null }).trading.symbols).toEqual([
      'MSFT',
      'NVDA',
    ]);
  });

  it('lists every invalid key in one error', () => {
    const env = {
      TRADING__INITIAL_CAPITAL: 'lots',
      TRADING__VAR_LIMIT_99: '3',
      TRADING__SYMBOLS: '["AAPL",',
      LLM__PROVIDER: 'skynet',
      NATS__URL: 'http://x',
      LOG_LEVEL: 'loud',
    };
    let caught: unknown;
    try {
      loadConfig({ env, envFile: null });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const keys = (caught as ConfigError).problems.map((p) => p.key).sort();
    expect(keys).toEqual(Object.keys(env).sort());
    expect((caught as ConfigError).message).toContain('TRADING__SYMBOLS: is not valid JSON');
  });

  it('reads a .env file, with the process environment taking precedence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ats-config-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'TRADING__SLIPPAGE_BPS=7\nOPENAI_API_KEY=sk-test-123\nLOG_LEVEL=debug\n');
    const config = loadConfig({ env: { LOG_LEVEL: 'warn' }, envFile: file });
    expect(config.trading.slippageBps).toBe(7);
    expect(config.logLevel).toBe('warn');
    expect(config.secretValues).toEqual(['sk-test-123']);
  });

  it('.env.example documents every key', () => {
    const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    const documented = new Set(
      example
        .split('\n')
        .map((line) => line.replace(/^#\s*/, '').split('=')[0]?.trim())
        .filter(Boolean),
    );
    const missing = Object.keys(ENV_SCHEMA).filter((key) => !documented.has(key));
    expect(missing).toEqual([]);
  });
});
