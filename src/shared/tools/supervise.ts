import { PARAMETERS } from '../../config/parameters';
import { delay, type Log } from './cache-dir';

/** An embedded service we started: it settles `exited` when its process ends. */
export interface SupervisedService {
  exited: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Restarts an embedded service (PostgreSQL, the Temporal dev server) whenever its process ends without
 * being asked to (issue 11: `./dev start` recovers from a killed service on its own). Restarts on the same
 * ports and data, with a delay doubling up to 30 s while it fails. `stop()` stops the current instance and
 * ends supervision. Once `shutdown` is aborted (Ctrl-C reaches the whole process group, so the service may
 * stop on the same signal before the system's stop gets to it), an exit is expected: no restart.
 */
export function supervise<S extends SupervisedService>(
  name: string,
  first: S,
  restart: () => Promise<S>,
  log: Log,
  shutdown?: AbortSignal,
): { stop(): Promise<void> } {
  let current: S | null = first;
  let stopping = false;
  shutdown?.addEventListener('abort', () => (stopping = true), { once: true });
  const watch = (service: S): void => {
    void service.exited.then(async () => {
      if (stopping || current !== service) return;
      current = null;
      for (let wait: number = PARAMETERS.resilience.restartDelayMs; !stopping; wait = Math.min(wait * 2, 30_000)) {
        log(`${name} stopped unexpectedly: restarting in ${wait} ms…`);
        await delay(wait);
        if (stopping) return;
        try {
          const next = await restart();
          if (stopping) {
            await next.stop();
            return;
          }
          current = next;
          log(`${name} restarted.`);
          watch(next);
          return;
        } catch (err) {
          log(`${name} did not restart: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        }
      }
    });
  };
  watch(first);
  return {
    async stop() {
      stopping = true;
      await current?.stop();
    },
  };
}
