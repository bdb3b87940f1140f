import { z } from 'zod';

/**
 * Gateway-only settings not (yet) in @ats/config, read from the same environment with the same `__` naming.
 * Defaults suit one dashboard user and a few scripts per key.
 */
const SettingsSchema = z.object({
  API__RATE_LIMIT_MAX: z.coerce.number().int().positive().default(600),
  API__RATE_LIMIT_WINDOW_MS: z.coerce.number().int().positive().default(60_000),
  /** Services that must send heartbeats before /ready is 200 (comma list), e.g. `orchestrator,data-gateway`. */
  API__REQUIRED_SERVICES: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  API__CYCLE_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
  /** HMAC key (≥ 32 characters) for stream/report tokens; random per process when unset. */
  API__ACCESS_TOKEN_SECRET: z.string().min(32).optional(),
});

export type GatewaySettings = z.infer<typeof SettingsSchema>;

export function loadGatewaySettings(env: NodeJS.ProcessEnv = process.env): GatewaySettings {
  const parsed = SettingsSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid api-gateway settings: ${problems}`);
  }
  return parsed.data;
}
