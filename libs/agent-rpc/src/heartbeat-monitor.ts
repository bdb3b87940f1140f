import type { Bus, Subscription } from '@ats/bus';
import { AgentMessages, type Clock, type Heartbeat, Subjects, systemClock } from '@ats/contracts';
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from './heartbeat';

/** Three missed beats: an instance is stale (one late beat on a busy box is not an outage). */
export const HEARTBEAT_STALE_AFTER_MS = 3 * DEFAULT_HEARTBEAT_INTERVAL_MS;
/** Instances silent this long are forgotten (a scaled-down replica should not be listed forever). */
export const HEARTBEAT_FORGET_AFTER_MS = 20 * DEFAULT_HEARTBEAT_INTERVAL_MS;

export interface InstanceLiveness {
  readonly service: string;
  readonly instanceId: string;
  readonly agent?: string;
  readonly version: string;
  /** When the monitor received the last beat (its own clock: the sender's may be skewed). */
  readonly lastSeen: string;
  readonly ageMs: number;
  readonly alive: boolean;
  readonly inflight: number;
  readonly handled: number;
}

export interface ServiceLiveness {
  readonly service: string;
  readonly alive: boolean;
  readonly liveInstances: number;
  readonly instances: readonly InstanceLiveness[];
}

export interface Readiness {
  readonly ready: boolean;
  /** Required services with no live instance. */
  readonly missing: readonly string[];
  readonly services: readonly ServiceLiveness[];
}

export interface HeartbeatMonitorOptions {
  readonly clock?: Clock;
  readonly staleAfterMs?: number;
  readonly forgetAfterMs?: number;
}

/**
 * The last heartbeat of every service instance, and which services are alive (for the API gateway's /ready).
 * `observe` is pure bookkeeping; `start` feeds it from the bus.
 */
export class HeartbeatMonitor {
  readonly #clock: Clock;
  readonly #staleAfterMs: number;
  readonly #forgetAfterMs: number;
  readonly #last = new Map<string, { heartbeat: Heartbeat; receivedAt: number }>();

  constructor(options: HeartbeatMonitorOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#staleAfterMs = options.staleAfterMs ?? HEARTBEAT_STALE_AFTER_MS;
    this.#forgetAfterMs = Math.max(options.forgetAfterMs ?? HEARTBEAT_FORGET_AFTER_MS, this.#staleAfterMs);
  }

  observe(heartbeat: Heartbeat): void {
    this.#last.set(`${heartbeat.service}\u0000${heartbeat.instanceId}`, {
      heartbeat,
      receivedAt: this.#clock.now().getTime(),
    });
  }

  instances(): InstanceLiveness[] {
    const now = this.#clock.now().getTime();
    const out: InstanceLiveness[] = [];
    for (const [key, { heartbeat, receivedAt }] of this.#last) {
      const ageMs = now - receivedAt;
      if (ageMs > this.#forgetAfterMs) {
        this.#last.delete(key);
        continue;
      }
      out.push({
        service: heartbeat.service,
        instanceId: heartbeat.instanceId,
        ...(heartbeat.agent ? { agent: heartbeat.agent } : {}),
        version: heartbeat.version,
        lastSeen: new Date(receivedAt).toISOString(),
        ageMs,
        alive: ageMs <= this.#staleAfterMs,
        inflight: heartbeat.inflight,
        handled: heartbeat.handled,
      });
    }
    return out.sort((a, b) => a.service.localeCompare(b.service) || a.instanceId.localeCompare(b.instanceId));
  }

  services(): ServiceLiveness[] {
    const byService = new Map<string, InstanceLiveness[]>();
    for (const i of this.instances()) {
      const list = byService.get(i.service);
      if (list) list.push(i);
      else byService.set(i.service, [i]);
    }
    return [...byService].map(([service, instances]) => {
      const liveInstances = instances.filter((i) => i.alive).length;
      return { service, alive: liveInstances > 0, liveInstances, instances };
    });
  }

  isAlive(service: string): boolean {
    return this.services().some((s) => s.service === service && s.alive);
  }

  /** Ready when every required service has at least one live instance. */
  readiness(required: readonly string[]): Readiness {
    const services = this.services();
    const alive = new Set(services.filter((s) => s.alive).map((s) => s.service));
    const missing = required.filter((s) => !alive.has(s));
    return { ready: missing.length === 0, missing, services };
  }

  /** Subscribes to every heartbeat (`heartbeat.>`, or a namespaced equivalent). */
  start(bus: Bus, subject: string = Subjects.allHeartbeats): Promise<Subscription> {
    return bus.subscribe(subject, AgentMessages.heartbeat, (message) => this.observe(message.data));
  }
}
