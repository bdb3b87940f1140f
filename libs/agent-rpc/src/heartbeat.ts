import type { Bus } from '@ats/bus';
import { AgentMessages, type AgentName, type Clock, systemClock } from '@ats/contracts';
import type { Logger } from '@ats/observability';
import { type AgentRpcSubjects, DEFAULT_AGENT_RPC_SUBJECTS } from './subjects';

/** How often a service says it is alive; a monitor calls it stale after HEARTBEAT_STALE_AFTER_MS without one. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;

export interface HeartbeatOptions {
  readonly service: string;
  readonly instanceId: string;
  readonly agent?: AgentName;
  readonly version: string;
  readonly intervalMs?: number;
  readonly clock?: Clock;
  readonly subjects?: AgentRpcSubjects;
  readonly logger: Logger;
  /** Current load, read at each beat. */
  readonly load: () => { readonly inflight: number; readonly handled: number };
}

export interface HeartbeatPublisher {
  /** Publishes one heartbeat now. */
  beat(): Promise<void>;
  stop(): void;
}

/** Publishes a Heartbeat on `heartbeat.<service>` at once and then every `intervalMs`. */
export function startHeartbeats(bus: Bus, options: HeartbeatOptions): HeartbeatPublisher {
  const clock = options.clock ?? systemClock;
  const subject = (options.subjects ?? DEFAULT_AGENT_RPC_SUBJECTS).heartbeat(options.service);
  const intervalMs = options.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  const beat = async () => {
    const load = options.load();
    await bus.publish(subject, AgentMessages.heartbeat, {
      service: options.service,
      instanceId: options.instanceId,
      agent: options.agent,
      ts: clock.now().toISOString(),
      inflight: load.inflight,
      handled: load.handled,
      version: options.version,
    });
  };
  // A missed beat is not fatal (the next one follows in intervalMs), but it is reported.
  const tick = () =>
    void beat().catch((error: unknown) =>
      options.logger.warn({ err: error, subject }, 'heartbeat not published'),
    );
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return { beat, stop: () => clearInterval(timer) };
}
