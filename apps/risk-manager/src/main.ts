import { runAgentProcess } from '@ats/agent-rpc';
import { RiskManagerAgent } from '@ats/agents';
import packageJson from '../package.json' with { type: 'json' };

await runAgentProcess({
  service: 'risk-manager',
  agent: 'risk',
  version: packageJson.version,
  // Drawdown comes from the request's equityHistory; without it each replica uses the high-water mark it has seen.
  createAgent: (reasoner, settings) => new RiskManagerAgent({}, settings, reasoner),
});
