/**
 * Runs `work` every `intervalMs`, one round at a time: a tick while a round runs joins it instead of starting
 * another. `round()` starts one now (or returns the one running); `stop()` clears the timer and waits for the
 * round in progress. Errors go to `onError`, never out of the timer. The timer does not keep the process alive.
 */
export function periodically(
  work: () => Promise<unknown>,
  intervalMs: number,
  onError: (err: unknown) => void,
): { round: () => Promise<void>; stop: () => Promise<void> } {
  let running: Promise<void> | null = null;
  const settle = (err: unknown) => void onError(err);
  const round = (): Promise<void> =>
    (running ??= work()
      .then(() => undefined, settle)
      .finally(() => (running = null)));
  const timer = setInterval(round, intervalMs);
  timer.unref();
  return {
    round,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
