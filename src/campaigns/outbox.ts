/**
 * A Campaign's events, written in the same step as the state they report and sent after: a
 * crash between the two sends them later (the alarm), never loses or invents one. An event's
 * id is fixed when written, so a resend carries the same `webhook-id` and receivers drop repeats.
 */
import type { EventMessage, EventType } from '../queues/messages';
import { campaignStorage } from '../storage/keys';

const OUTBOX = campaignStorage.outboxTable;

export class Outbox {
  constructor(
    private readonly sql: SqlStorage,
    private readonly events: Queue<EventMessage>,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS ${OUTBOX} (id TEXT PRIMARY KEY, type TEXT NOT NULL, data TEXT NOT NULL, at INTEGER NOT NULL)`);
  }

  add(type: EventType, data: EventMessage['data']): void {
    const id = `evt_${crypto.randomUUID().replaceAll('-', '')}`;
    this.sql.exec(`INSERT INTO ${OUTBOX} (id, type, data, at) VALUES (?, ?, ?, ?)`, id, type, JSON.stringify(data), Date.now());
  }

  get waiting(): boolean {
    return this.sql.exec(`SELECT 1 FROM ${OUTBOX} LIMIT 1`).toArray().length > 0;
  }

  /**
   * Sends what is waiting, oldest first, 20 at a time (a campaign.fans event is a few KB, a
   * queue batch at most 256 KB); what the queue refuses stays for the next try.
   */
  async flush(app: string): Promise<void> {
    for (;;) {
      const rows = this.sql.exec<{ id: string; type: EventType; data: string; at: number }>(`SELECT * FROM ${OUTBOX} ORDER BY at LIMIT 20`).toArray();
      if (!rows.length) return;
      const messages: EventMessage[] = rows.map((r) => ({ id: r.id, app, type: r.type, timestamp: new Date(r.at).toISOString(), data: JSON.parse(r.data) }));
      try {
        await this.events.sendBatch(messages.map((body) => ({ body })));
      } catch (err) {
        console.error(JSON.stringify({ msg: 'campaign events not queued', count: rows.length, name: err instanceof Error ? err.name : typeof err }));
        return;
      }
      for (const r of rows) this.sql.exec(`DELETE FROM ${OUTBOX} WHERE id = ?`, r.id);
    }
  }
}
