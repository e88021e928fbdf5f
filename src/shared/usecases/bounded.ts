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
  const failures: unknown[] = [];
  const runner = async () => {
    while (failures.length === 0 && next < items.length) {
      const i = next++;
      try {
        await work(items[i]!, i);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, runner));
  if (failures.length > 0) throw failures[0];
}
