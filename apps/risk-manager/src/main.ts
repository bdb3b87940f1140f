import { startAgentProcess } from '@ats/agent-rpc';
import { RiskManagerAgent } from '@ats/agents';
import { runService } from '@ats/service';
import packageJson from '../package.json' with { type: 'json' };

await runService({
  service: 'risk-manager',
  start: startAgentProcess({
    agent: 'risk',
    version: packageJson.version,
    // Drawdown comes from the request's equityHistory; without it each replica uses the high-water mark it has seen.
    // Limits from TRADING__MAX_POSITION_WEIGHT / TRADING__VAR_LIMIT_99, as the embedded risk managers use them.
    createAgent: (reasoner, settings, config) =>
      new RiskManagerAgent(config.trading.risk, settings, reasoner),
  }),
});
