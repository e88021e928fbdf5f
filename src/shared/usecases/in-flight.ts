/**
 * One piece of background work at a time, in order: the next starts once the previous has ended, and a failure is
 * thrown where the caller next waits (`settled`, or `start` of the next piece), never left as an unhandled rejection.
 * A bulk import's upload writes a part into its spool while the next one arrives.
 */
export class InFlight {
  private current: Promise<unknown> = Promise.resolve(null);

  /** Waits for the previous piece (throwing its failure), then starts `work` without waiting for it. */
  async start(work: () => Promise<unknown>): Promise<void> {
    await this.settled();
    this.current = work().then(
      () => null,
      (err: unknown) => err ?? new Error('background work failed'),
    );
  }

  /** Waits for the piece in flight, if any; throws its failure. */
  async settled(): Promise<void> {
    const failure = await this.ended();
    if (failure) throw failure;
  }

  /** Waits for the piece in flight, if any, and returns its failure (or null) without throwing it: for a caller already failing. */
  async ended(): Promise<unknown> {
    const failure = await this.current;
    this.current = Promise.resolve(null);
    return failure;
  }
}
