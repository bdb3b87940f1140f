import type { Clock } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';

export interface AuditEntry {
  /** API key id, or `cli:<user>` for the key CLI. */
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly details: Record<string, unknown>;
}

/** Who did what to which subject, in the AuditEvent table. */
export class AuditLog {
  constructor(
    private readonly db: PrismaClient,
    private readonly clock: Clock,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db.auditEvent.create({
      data: {
        actor: entry.actor,
        action: entry.action,
        subject: entry.subject,
        details: JSON.parse(JSON.stringify(entry.details)),
        at: this.clock.now(),
      },
    });
  }
}
