import { describe, expect, it } from 'vitest';
import { GatewayArgsError, parseGatewayArgs } from './cli-args';

describe('parseGatewayArgs', () => {
  it('serves by default', () => {
    expect(parseGatewayArgs([])).toEqual({ mode: 'serve' });
  });

  it('reads a replay window, symbols and speed', () => {
    expect(
      parseGatewayArgs([
        '--mode=replay',
        '--replay-from=2023-01-01',
        '--replay-to=2023-06-30',
        '--speed=86400',
        '--symbols=aapl, MSFT',
      ]),
    ).toEqual({
      mode: 'replay',
      from: '2023-01-01',
      to: '2023-06-30',
      speed: 86_400,
      symbols: ['AAPL', 'MSFT'],
      timeframe: '1d',
    });
    expect(
      parseGatewayArgs(['--mode=replay', '--replay-from=2023-01-01', '--replay-to=2023-01-01']),
    ).toMatchObject({
      speed: 'max',
    });
    expect(parseGatewayArgs(['--mode=live', '--timeframe=1h'])).toEqual({ mode: 'live', timeframe: '1h' });
    expect(parseGatewayArgs(['--mode=live', '--namespace=stack-2'])).toEqual({
      mode: 'live',
      timeframe: '1d',
      namespace: 'stack-2',
    });
  });

  it('names the flag that is wrong', () => {
    const fails = (argv: string[]) => () => parseGatewayArgs(argv);
    expect(fails(['--mode=replay', '--replay-from=2023-02-01'])).toThrow(/--replay-to/);
    expect(fails(['--mode=replay', '--replay-from=2023-02-01', '--replay-to=2023-01-01'])).toThrow(
      /--replay-from: must not be after --replay-to/,
    );
    expect(
      fails(['--mode=replay', '--replay-from=2023-01-01', '--replay-to=2023-01-02', '--speed=0']),
    ).toThrow(/--speed/);
    expect(fails(['--mode=backtest'])).toThrow(GatewayArgsError);
    expect(fails(['--mode=live', '--sped=2'])).toThrow(GatewayArgsError);
    expect(fails(['--namespace=a.b'])).toThrow(/--namespace/);
  });
});
