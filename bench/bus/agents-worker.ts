/**
 * One replica of the four agents for bench/bus/cycle.ts: a process of its own, its own NATS connection, serving
 * agent.<name>.analyze of each of the bench's namespaces (comma-separated) in each agent's queue group (as the agent
 * apps do, without their HTTP shell and Postgres decision sink). Prints `ready` when serving; reports its CPU time
 * on SIGTERM.
 */
import { agentRpcSubjects, type ServedAgent, serveAgent } from '@ats/agent-rpc';
import { PortfolioManagerAgent, RiskManagerAgent, SentimentAgent, TechnicalAgent } from '@ats/agents';
import { connectBus } from '@ats/bus';
import { createLogger } from '@ats/observability';

const [natsUrl = 'nats://127.0.0.1:4222', namespaces = 'bench', name = 'agents'] = process.argv.slice(2);
const logger = createLogger({ service: name, level: 'warn' });
const bus = await connectBus({ url: natsUrl, name, logger });
const served: ServedAgent[] = [];
for (const namespace of namespaces.split(',')) {
  const subjects = agentRpcSubjects(namespace);
  served.push(
    await serveAgent(bus, 'technical', new TechnicalAgent(), { logger, subjects }),
    await serveAgent(bus, 'sentiment', new SentimentAgent(), { logger, subjects }),
    await serveAgent(bus, 'risk', new RiskManagerAgent(), { logger, subjects }),
    await serveAgent(bus, 'portfolio', new PortfolioManagerAgent(), { logger, subjects }),
  );
}
const cpuAtReady = process.cpuUsage();
process.stdout.write('ready\n');
process.on('SIGTERM', async () => {
  const cpu = process.cpuUsage(cpuAtReady);
  const handled: Record<string, number> = {};
  for (const s of served) handled[s.agent] = (handled[s.agent] ?? 0) + s.load().handled;
  for (const s of served) await s.close();
  await bus.close();
  process.stdout.write(`${JSON.stringify({ name, cpuMs: (cpu.user + cpu.system) / 1000, handled })}\n`);
  process.exit(0);
});
