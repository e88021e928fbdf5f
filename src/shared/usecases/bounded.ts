/**
 * Runs `work` over `items` with at most `limit` calls in flight. After the first failure no new item is
 * started; the calls in flight end, then that failure is thrown (a caller's transaction rolls back with
 * nothing of its work still running).
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | null = null;
  const runner = async () => {
    while (failed === null && next < items.length) {
      const i = next++;
      try {
        await work(items[i]!, i);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, runner));
  if (failed) throw (failed as { error: unknown }).error;
}
