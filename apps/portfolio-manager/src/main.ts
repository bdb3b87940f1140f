import { runAgentProcess } from '@ats/agent-rpc';
import { PortfolioManagerAgent } from '@ats/agents';
import packageJson from '../package.json' with { type: 'json' };

await runAgentProcess({
  service: 'portfolio-manager',
  agent: 'portfolio',
  version: packageJson.version,
  createAgent: (reasoner, settings) => new PortfolioManagerAgent({}, undefined, settings, reasoner),
});
