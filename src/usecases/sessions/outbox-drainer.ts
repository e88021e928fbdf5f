import { PARAMETERS } from '../../config/parameters';
import type { ApplicationDeps } from '../applications/dependencies';
import { drainQuotaOutbox } from './quota-outbox';
import { drainWorkflowOutbox } from './session-workflow-outbox';

/**
 * Delivers what the sessions' outboxes still hold, at start and then periodically: SES-10 workflow
 * steps first (a finalisation may feed QUO-3), then QUO-3 counts. One drain at a time. Returns the stop.
 */
export function startOutboxDrainer(deps: Pick<ApplicationDeps, 'db' | 'temporal' | 'taskQueue'>, onError: (err: unknown) => void): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const drain = () => {
    running ??= (async () => {
      await drainWorkflowOutbox(deps, { olderThanSeconds: 30 });
      await drainQuotaOutbox(deps);
    })()
      .catch(onError)
      .finally(() => (running = null));
  };
  drain();
  const timer = setInterval(drain, PARAMETERS.sessions.outboxDrainIntervalSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
