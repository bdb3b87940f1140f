import { startAgentProcess } from '@ats/agent-rpc';
import { SentimentAgent } from '@ats/agents';
import { runService } from '@ats/service';
import packageJson from '../package.json' with { type: 'json' };

await runService({
  service: 'sentiment-agent',
  start: startAgentProcess({
    agent: 'sentiment',
    version: packageJson.version,
    createAgent: (reasoner, settings) => new SentimentAgent(settings, reasoner),
  }),
});
