/**
 * The floor of the API benchmark: a bare Fastify server (no plugins, hooks, auth, logging or schemas) that answers
 * each benchmarked URL with the exact bytes and content type the gateway answered it with. Whatever the gateway
 * costs above this is the gateway's own work; what this costs is Node, HTTP and Fastify on this machine.
 * Run by bench/api/run.ts: `node --import tsx floor-server.ts <port> <payloads.json>` where payloads.json maps
 * a URL path with its query to `{ contentType, body }` (body as base64).
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

interface Payload {
  readonly contentType: string;
  readonly body: string;
}

const [portArgument, payloadFile] = process.argv.slice(2);
if (!portArgument || !payloadFile) throw new Error('usage: floor-server.ts <port> <payloads.json>');
const payloads = new Map(
  Object.entries(JSON.parse(readFileSync(payloadFile, 'utf8')) as Record<string, Payload>).map(
    ([url, payload]) => [
      url,
      { contentType: payload.contentType, body: Buffer.from(payload.body, 'base64') },
    ],
  ),
);

const app = Fastify({ logger: false });
app.get('/*', (request, reply) => {
  const payload = payloads.get(request.url);
  if (!payload) return reply.code(404).send();
  return reply.type(payload.contentType).send(payload.body);
});
await app.listen({ host: '127.0.0.1', port: Number(portArgument) });
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
