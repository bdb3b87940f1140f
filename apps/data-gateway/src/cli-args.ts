import { parseArgs } from 'node:util';
import { IsoDateSchema, SymbolSchema, type Timeframe, TimeframeSchema } from '@ats/contracts';
import { z } from 'zod';

/** serve: request/reply only; live: also publish new bars on a schedule; replay: also publish stored history. */
export const GATEWAY_MODES = ['serve', 'live', 'replay'] as const;
export type GatewayMode = (typeof GATEWAY_MODES)[number];

/** N× market time, or `max`: publish as fast as the bus takes them. */
export type ReplaySpeed = number | 'max';

export type GatewayArgs = (
  | { readonly mode: 'serve' }
  | { readonly mode: 'live'; readonly symbols?: string[]; readonly timeframe: Timeframe }
  | {
      readonly mode: 'replay';
      readonly symbols?: string[];
      readonly timeframe: Timeframe;
      readonly from: string;
      readonly to: string;
      readonly speed: ReplaySpeed;
    }
) & {
  /** Subject prefix (and stream suffix) of an isolated stack on a shared NATS server, as the orchestrator's. */
  readonly namespace?: string;
};

const NamespaceSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - or _ (at most 64)');

/** The command line is wrong; the message says which flag and why. */
export class GatewayArgsError extends Error {
  override readonly name = 'GatewayArgsError';
}

const symbolList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim().toUpperCase()))
  .pipe(z.array(SymbolSchema).min(1));
const speed = z.union([
  z.literal('max'),
  z.coerce.number().positive('must be a positive multiple of market time, or max'),
]);

const ArgsSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('serve') }),
  z.object({
    mode: z.literal('live'),
    symbols: symbolList.optional(),
    timeframe: TimeframeSchema.default('1d'),
  }),
  z
    .object({
      mode: z.literal('replay'),
      symbols: symbolList.optional(),
      timeframe: TimeframeSchema.default('1d'),
      from: IsoDateSchema,
      to: IsoDateSchema,
      speed: speed.default('max'),
    })
    .refine((a) => a.from <= a.to, { message: 'must not be after --replay-to', path: ['replay-from'] }),
]);

/**
 * `--mode=serve|live|replay [--symbols=AAPL,MSFT] [--timeframe=1d] --replay-from --replay-to --speed=N|max
 * [--namespace=<subject prefix>]`.
 */
export function parseGatewayArgs(argv: readonly string[]): GatewayArgs {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        mode: { type: 'string', default: 'serve' },
        symbols: { type: 'string' },
        timeframe: { type: 'string' },
        'replay-from': { type: 'string' },
        'replay-to': { type: 'string' },
        speed: { type: 'string' },
        namespace: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | undefined>;
  } catch (error) {
    throw new GatewayArgsError((error as Error).message);
  }
  const result = ArgsSchema.safeParse({
    mode: values.mode,
    symbols: values.symbols,
    timeframe: values.timeframe,
    from: values['replay-from'],
    to: values['replay-to'],
    speed: values.speed,
  });
  if (!result.success) {
    const flag = (path: PropertyKey[]) =>
      ({ from: 'replay-from', to: 'replay-to' })[String(path[0])] ?? String(path[0] ?? 'mode');
    throw new GatewayArgsError(result.error.issues.map((i) => `--${flag(i.path)}: ${i.message}`).join('; '));
  }
  if (values.namespace === undefined) return result.data as GatewayArgs;
  const namespace = NamespaceSchema.safeParse(values.namespace);
  if (!namespace.success) throw new GatewayArgsError(`--namespace: ${namespace.error.issues[0]?.message}`);
  return { ...(result.data as GatewayArgs), namespace: namespace.data };
}
