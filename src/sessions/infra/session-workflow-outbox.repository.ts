import type { Db } from '../../shared/database/db';
import { type QueuedStep, type SessionWorkflowOutboxRepository, sessionOfStep } from '../usecases/ports';

/** SES-10: the workflow calls committed changes owe, until delivered (session_workflow_outbox). */
export function sessionWorkflowOutboxRepository(db: Db): SessionWorkflowOutboxRepository {
  return {
    async queueSteps(steps) {
      if (steps.length === 0) return [];
      const rows: { id: string; ord: number }[] = await db.query(
        `INSERT INTO session_workflow_outbox (session_id, step)
     SELECT e.v->>'session_id', e.v->'step' FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(v, ord) ORDER BY e.ord
     RETURNING id`,
        [JSON.stringify(steps.map((step) => ({ session_id: sessionOfStep(step), step })))],
      );
      // RETURNING follows insertion order, which follows ORDER BY ord: ids rise with the steps.
      const ids = rows.map((r) => r.id).sort((a, b) => Number(a) - Number(b));
      return steps.map((step, i) => ({ id: ids[i]!, step }));
    },

    async waitingSteps(afterId, olderThanSeconds) {
      const rows: QueuedStep[] = await db.query(
        `SELECT id, step FROM session_workflow_outbox WHERE id > $1 AND created_at <= now() - make_interval(secs => $2) ORDER BY id LIMIT 500`,
        [afterId, olderThanSeconds],
      );
      return rows;
    },

    async stepsBefore(sessionIds, beforeId) {
      if (sessionIds.length === 0) return [];
      const rows: QueuedStep[] = await db.query(
        `SELECT id, step FROM session_workflow_outbox WHERE session_id = ANY($1::text[]) AND id < $2 ORDER BY id`,
        [sessionIds, beforeId],
      );
      return rows;
    },

    async removeSteps(ids) {
      await db.query(`DELETE FROM session_workflow_outbox WHERE id = ANY($1::bigint[])`, [ids]);
    },

    async recordFailure(id, error) {
      await db.query(`UPDATE session_workflow_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [id, error]);
    },
  };
}
