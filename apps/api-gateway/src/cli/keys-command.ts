import { parseArgs } from 'node:util';
import { ApiScopeSchema } from '@ats/contracts';
import type { AuditLog } from '../auth/audit';
import type { ApiKeyStore } from '../auth/key-store';

export const USAGE = `API keys of the gateway (stored hashed in Postgres at DATABASE__URL).

usage: npx nx run api-gateway:keys <command>
  create --name=NAME --scopes=read[,trade][,admin]   print the new key (shown once)
  list                                                 keys without secrets
  revoke <id>                                          the key stops working
  rotate <id>                                          new secret for the same key id (printed once)
`;

export class KeysUsageError extends Error {
  override readonly name = 'KeysUsageError';
}

/** Runs one command; returns what to print (JSON). Every change is audited as `cli:<user>`. */
export async function runKeysCommand(
  argv: readonly string[],
  store: ApiKeyStore,
  audit: AuditLog,
  actor: string,
) {
  let parsed: { positionals: string[]; values: { name?: string; scopes?: string } };
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { name: { type: 'string' }, scopes: { type: 'string' } },
    });
  } catch (error) {
    // Node's message runs on with advice about positionals; its first sentence names the flag.
    throw new KeysUsageError((error instanceof Error ? error.message : String(error)).split(/\.\s/)[0] ?? '');
  }
  const { positionals, values } = parsed;
  const [command, id] = positionals;
  switch (command) {
    case 'create': {
      if (!values.name) throw new KeysUsageError('create needs --name');
      const scopes = (values.scopes ?? 'read').split(',').map((s) => {
        const scope = ApiScopeSchema.safeParse(s.trim());
        if (!scope.success) throw new KeysUsageError(`unknown scope '${s}' (read, trade, admin)`);
        return scope.data;
      });
      const issued = await store.create(values.name, scopes);
      await audit.record({
        actor,
        action: 'api-key.create',
        subject: issued.id,
        details: { name: issued.name, scopes, prefix: issued.prefix },
      });
      return issued;
    }
    case 'list':
      return { keys: await store.list() };
    case 'revoke': {
      if (!id) throw new KeysUsageError('revoke needs a key id');
      const revoked = await store.revoke(id);
      await audit.record({ actor, action: 'api-key.revoke', subject: id, details: {} });
      return revoked;
    }
    case 'rotate': {
      if (!id) throw new KeysUsageError('rotate needs a key id');
      const rotated = await store.rotate(id);
      await audit.record({
        actor,
        action: 'api-key.rotate',
        subject: id,
        details: { prefix: rotated.prefix },
      });
      return rotated;
    }
    default:
      throw new KeysUsageError(command ? `unknown command '${command}'` : 'no command');
  }
}
