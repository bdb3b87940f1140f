import { runAgentProcess } from '@ats/agent-rpc';
import { TechnicalAgent } from '@ats/agents';
import packageJson from '../package.json' with { type: 'json' };

await runAgentProcess({
  service: 'technical-agent',
  agent: 'technical',
  version: packageJson.version,
  createAgent: (reasoner, settings) => new TechnicalAgent(settings, reasoner),
});
