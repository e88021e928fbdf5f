import type { DataSource, EntityManager } from 'typeorm';

/** A workflow to start after the commit of what it follows (see the migration WorkflowStartOutbox). */
export interface QueuedWorkflowStart {
  workflowId: string;
  workflowType: string;
  args: unknown[];
}

/** In the caller's transaction: the start exists if and only if the rows it follows are committed. */
export async function queueWorkflowStart(m: EntityManager, start: QueuedWorkflowStart): Promise<void> {
  await m.query(
    `INSERT INTO workflow_start_outbox (workflow_id, workflow_type, args) VALUES ($1, $2, $3) ON CONFLICT (workflow_id) DO NOTHING`,
    [start.workflowId, start.workflowType, JSON.stringify(start.args)],
  );
}

/** Queued starts, oldest first: those named, or those older than `olderThanSeconds` (their own request may still be starting them). */
export async function queuedWorkflowStarts(
  db: DataSource,
  options: { workflowIds?: string[]; olderThanSeconds?: number; limit?: number },
): Promise<QueuedWorkflowStart[]> {
  const rows: { workflow_id: string; workflow_type: string; args: unknown[] }[] = options.workflowIds
    ? await db.query(`SELECT workflow_id, workflow_type, args FROM workflow_start_outbox WHERE workflow_id = ANY($1) ORDER BY created_at`, [
        options.workflowIds,
      ])
    : await db.query(
        `SELECT workflow_id, workflow_type, args FROM workflow_start_outbox WHERE created_at <= now() - make_interval(secs => $1) ORDER BY created_at LIMIT $2`,
        [options.olderThanSeconds ?? 0, options.limit ?? 500],
      );
  return rows.map((r) => ({ workflowId: r.workflow_id, workflowType: r.workflow_type, args: r.args }));
}

export async function workflowStarted(db: DataSource, workflowId: string): Promise<void> {
  await db.query(`DELETE FROM workflow_start_outbox WHERE workflow_id = $1`, [workflowId]);
}

export async function workflowStartFailed(db: DataSource, workflowId: string, error: string): Promise<void> {
  await db.query(`UPDATE workflow_start_outbox SET attempts = attempts + 1, last_error = $2 WHERE workflow_id = $1`, [workflowId, error]);
}
