import { connectBus } from '@ats/bus';
import { loadConfig, parseCommandLine } from '@ats/config';
import { z } from 'zod';
import { CycleNotRecordedError, replayRecordedCycle } from './replay-cycle';

const USAGE = `Replay a recorded cycle from JetStream: re-run the agent team offline on the decision context the cycle
recorded (CYCLES stream, cycle.context) and compare its decisions with the recorded ones.

usage: npx nx run orchestrator:replay-cycle -- --correlation-id=<id> [--namespace=<ns>]
exit: 0 identical, 1 different, 2 bad usage, 3 no such cycle recorded`;

const args = parseCommandLine({
  name: 'replay-cycle',
  usage: USAGE,
  options: { 'correlation-id': { type: 'string' }, namespace: { type: 'string' } },
  schema: z.object({ 'correlation-id': z.string().min(1), namespace: z.string().min(1).optional() }),
});
const config = loadConfig();
const bus = await connectBus({ ...config.nats, name: 'orchestrator-replay-cycle' });
try {
  const replay = await replayRecordedCycle(bus, args['correlation-id'], {
    namespace: args.namespace ?? config.orchestrator.namespace,
  });
  console.log(JSON.stringify(replay, null, 2));
  process.exitCode = replay.identical ? 0 : 1;
} catch (error) {
  if (!(error instanceof CycleNotRecordedError)) throw error;
  console.error(`replay-cycle: ${error.message}`);
  process.exitCode = 3;
} finally {
  await bus.close();
}
