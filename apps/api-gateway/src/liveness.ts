import type { ServiceLiveness } from '@ats/agent-rpc';

/** The monitor's read-only view as the plain arrays the response schema describes. */
export function mutableLiveness(service: ServiceLiveness) {
  return { ...service, instances: service.instances.map((i) => ({ ...i })) };
}
