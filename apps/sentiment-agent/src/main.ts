import { runAgentProcess } from '@ats/agent-rpc';
import { SentimentAgent } from '@ats/agents';
import packageJson from '../package.json' with { type: 'json' };

await runAgentProcess({
  service: 'sentiment-agent',
  agent: 'sentiment',
  version: packageJson.version,
  createAgent: (reasoner, settings) => new SentimentAgent(settings, reasoner),
});
