import { startAgentProcess } from '@ats/agent-rpc';
import { PortfolioManagerAgent } from '@ats/agents';
import { runService } from '@ats/service';
import packageJson from '../package.json' with { type: 'json' };

await runService({
  service: 'portfolio-manager',
  start: startAgentProcess({
    agent: 'portfolio',
    version: packageJson.version,
    createAgent: (reasoner, settings) => new PortfolioManagerAgent({}, undefined, settings, reasoner),
  }),
});
