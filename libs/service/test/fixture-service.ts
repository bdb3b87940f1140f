import { runService } from '../src/index';

// A service whose stop and closers only log, so the test can read the order shutdown runs them in.
await runService({
  service: 'fixture-service',
  async start({ logger, prisma }) {
    await prisma().$queryRaw`SELECT 1`;
    return {
      stop: async () => logger.info('service stopped'),
      closers: [
        { close: async () => logger.info('first closer closed') },
        { close: async () => logger.info('second closer closed') },
      ],
      health: () => ({ openCycles: 0 }),
    };
  },
});
