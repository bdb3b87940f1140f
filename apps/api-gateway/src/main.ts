import { runService } from '@ats/service';
import { buildApiGateway } from './app';
import { probe } from './dependencies';

const SERVICE = 'api-gateway';

await runService({
  service: SERVICE,
  async start({ config, logger, bus, metrics, prisma }) {
    const db = prisma();
    const app = await buildApiGateway({
      bus,
      db,
      logger,
      service: SERVICE,
      probes: { nats: probe(() => bus.ping()), postgres: probe(() => db.$queryRaw`SELECT 1`) },
      requiredServices: config.api.requiredServices,
      cycleTimeoutMs: config.api.cycleTimeoutMs,
      rateLimit: config.api.rateLimit,
      addressLimit: config.api.addressLimit,
      corsOrigins: config.api.corsOrigins,
      metrics,
      ...(config.api.accessTokenSecret
        ? { accessTokenSecret: Buffer.from(config.api.accessTokenSecret) }
        : {}),
    });
    await app.listen({ host: config.api.host, port: config.api.port });
    // Prometheus and the container probe use the shell's own port, apart from the public API and its rate limit.
    return { stop: () => app.close() };
  },
});
