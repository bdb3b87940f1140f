import { startAgentProcess } from '@ats/agent-rpc';
import { TechnicalAgent } from '@ats/agents';
import { runService } from '@ats/service';
import packageJson from '../package.json' with { type: 'json' };

await runService({
  service: 'technical-agent',
  start: startAgentProcess({
    agent: 'technical',
    version: packageJson.version,
    createAgent: (reasoner, settings) => new TechnicalAgent(settings, reasoner),
  }),
});
