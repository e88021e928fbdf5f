/** The baseline of scripts/bench-deadlines.ts: a workflow that does nothing, so starts cost only Temporal's own work. */
export async function noopWorkflow(): Promise<void> {
  // Nothing: completes in its first workflow task.
}
