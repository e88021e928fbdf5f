/**
 * Handlers of one workflow run one after another: an update or signal arriving while another awaits its
 * activity waits its turn, so each decides on the state the previous one left (never two decisions on the
 * same state). A failed handler does not block the ones behind it.
 */
export function serialQueue(): <T>(fn: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };
}
