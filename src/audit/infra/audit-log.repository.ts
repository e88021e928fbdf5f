import type { Db } from '../../shared/database/db';
import { type LogRow, toEntry } from '../../shared/event-log/event-log';
import type { JournalFilter } from '../domain/journal';
import type { AuditLogRepository } from '../usecases/ports';

/** How the log names a person (src/access/domain/roles.ts actorLabel), in SQL. */
const LABEL = `u.name || ' (' || u.role || ')'`;

/** The Journal over event_log (append-only, issue 12): filters bound as parameters, newest first by sequence. */
export function auditLogRepository(db: Db): AuditLogRepository {
  return {
    async journal(f: JournalFilter) {
      const params: unknown[] = [];
      const where: string[] = [];
      const bind = (value: unknown) => `$${params.push(value)}`;
      if (f.userId) where.push(`e.actor = (SELECT ${LABEL} FROM users u WHERE u.id = ${bind(f.userId)}::uuid)`);
      if (f.role) where.push(`e.actor LIKE ${bind(`% (${f.role})`)}`);
      if (f.actor) where.push(`strpos(lower(e.actor), lower(${bind(f.actor)})) > 0`);
      if (f.streamType) where.push(`e.stream_type = ${bind(f.streamType)}`);
      if (f.streamId) where.push(`e.stream_id = ${bind(f.streamId)}::uuid`);
      if (f.type) where.push(`e.type = ${bind(f.type)}`);
      if (f.ruleId) where.push(`${bind(f.ruleId)} = ANY(e.rule_ids)`);
      if (f.from) where.push(`e.occurred_at >= ${bind(f.from.toISOString())}`);
      if (f.to) where.push(`e.occurred_at < ${bind(f.to.toISOString())}`);
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const [{ total }]: { total: number }[] = await db.query(`SELECT count(*)::int AS total FROM event_log e ${clause}`, params);
      const rows: Array<LogRow & { actor_user_id: string | null }> = await db.query(
        `SELECT e.*, (SELECT CASE WHEN count(*) = 1 THEN min(u.id::text) END FROM users u WHERE ${LABEL} = e.actor) AS actor_user_id
           FROM event_log e ${clause} ORDER BY e.id DESC LIMIT ${Number(f.limit)} OFFSET ${Number(f.offset)}`,
        params,
      );
      return { total, entries: rows.map((r) => ({ entry: toEntry(r), actorUserId: r.actor_user_id })) };
    },
  };
}
