import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from '../src/cli-args';

describe('orchestrator run arguments', () => {
  it('takes --mode=live without a replay window as live on new bars, with its pacing flags', () => {
    const args = parseCliArgs([
      '--mode=live',
      '--symbols=aapl,msft',
      '--bar-interval-ms=4000',
      '--late-after-ms=2000',
      '--max-cycles=5',
    ]);
    expect(args).toMatchObject({ mode: 'live', symbols: ['AAPL', 'MSFT'], from: undefined, to: undefined });
    expect(args.live).toEqual({
      barIntervalMs: 4000,
      lateAfterMs: 2000,
      completeWithinMs: undefined,
      maxCycles: 5,
    });
  });

  it('takes the bus outage budget in whole milliseconds', () => {
    const window = ['--replay-from=2023-01-03', '--replay-to=2023-01-31', '--symbols=AAPL'];
    expect(parseCliArgs([...window, '--bus-outage-budget-ms=90000']).busOutageBudgetMs).toBe(90_000);
    expect(parseCliArgs(window).busOutageBudgetMs).toBeUndefined();
    expect(() => parseCliArgs([...window, '--bus-outage-budget-ms=0'])).toThrow(/--bus-outage-budget-ms/);
    expect(() => parseCliArgs([...window, '--bus-outage-budget-ms=1e5'])).toThrow(/--bus-outage-budget-ms/);
  });

  it('keeps a replay window a replay (paper, or live decisions on stored bars)', () => {
    const window = ['--replay-from=2023-01-03', '--replay-to=2023-01-31', '--symbols=AAPL'];
    expect(parseCliArgs(['--mode=live', ...window]).live).toBeUndefined();
    expect(parseCliArgs(window)).toMatchObject({ mode: 'paper', from: '2023-01-03', to: '2023-01-31' });
  });

  it('says which flag is missing or misplaced', () => {
    expect(() => parseCliArgs(['--symbols=AAPL', '--replay-to=2023-01-31'])).toThrow(
      /--replay-from: required/,
    );
    expect(() =>
      parseCliArgs([
        '--symbols=AAPL',
        '--replay-from=2023-01-03',
        '--replay-to=2023-01-31',
        '--max-cycles=3',
      ]),
    ).toThrow(UsageError);
    expect(() => parseCliArgs(['--mode=live', '--symbols=AAPL', '--bar-interval-ms=0'])).toThrow(
      /--bar-interval-ms/,
    );
  });

  it('reads numbers as plain decimals only, bounds the starting cash, and refuses a flag given twice', () => {
    const window = ['--replay-from=2023-01-03', '--replay-to=2023-01-31'];
    expect(parseCliArgs(['--symbols=AAPL', ...window, '--initial-cash=250000.5'])).toMatchObject({
      initialCash: 250_000.5,
    });
    expect(() => parseCliArgs(['--symbols=AAPL', ...window, '--initial-cash=0x10'])).toThrow(
      /--initial-cash: initial cash must be a plain decimal number/,
    );
    expect(() => parseCliArgs(['--symbols=AAPL', ...window, '--initial-cash=1e308'])).toThrow(
      /--initial-cash/,
    );
    expect(() => parseCliArgs(['--symbols=AAPL', ...window, '--initial-cash=2000000000000'])).toThrow(
      /--initial-cash: .*at most 1000000000000/,
    );
    expect(() => parseCliArgs(['--symbols=AAPL', ...window, '--agent-timeout-ms=0x10'])).toThrow(
      /--agent-timeout-ms/,
    );
    expect(() => parseCliArgs(['--symbols=AAPL', ...window, '--speed=Infinity'])).toThrow(/--speed/);
    expect(() => parseCliArgs(['--symbols=AAPL', '--symbols=MSFT', ...window])).toThrow(
      /--symbols: given more than once/,
    );
  });

  it('takes the degraded share a replay may have before it fails, between 0 and 1', () => {
    const base = ['--symbols=AAPL', '--replay-from=2023-01-03', '--replay-to=2023-01-31'];
    expect(parseCliArgs([...base, '--max-degraded-share=0.25']).maxDegradedShare).toBe(0.25);
    expect(parseCliArgs(base).maxDegradedShare).toBeUndefined();
    expect(() => parseCliArgs([...base, '--max-degraded-share=1.5'])).toThrow(/--max-degraded-share/);
  });

  it('takes an LLM budget for the run in dollars, positive and plainly written', () => {
    const base = ['--symbols=AAPL', '--replay-from=2023-01-03', '--replay-to=2023-01-31'];
    expect(parseCliArgs([...base, '--llm-budget-usd=0.05']).llmBudgetUsd).toBe(0.05);
    expect(parseCliArgs(base).llmBudgetUsd).toBeUndefined();
    expect(() => parseCliArgs([...base, '--llm-budget-usd=0'])).toThrow(
      /--llm-budget-usd: must be a positive/,
    );
    expect(() => parseCliArgs([...base, '--llm-budget-usd=1e3'])).toThrow(/--llm-budget-usd/);
  });
});
