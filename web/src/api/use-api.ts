import { useCallback, useEffect, useState } from 'react';

export type Loaded<T> = { status: 'loading' } | { status: 'error'; error: Error } | { status: 'ready'; data: T; reload: () => void };

/**
 * Data for a screen: loads when `key` changes (the address, the filters), and never shows the answer of an
 * older key (a slower answer to a former address is dropped). `reload` fetches again (after an action).
 */
export function useApi<T>(key: string, load: () => Promise<T>): Loaded<T> {
  const [state, setState] = useState<{ key: string; generation: number; result: Loaded<T> }>({
    key,
    generation: 0,
    result: { status: 'loading' },
  });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ key, generation, result: { status: 'ready', data, reload } }),
      (error: unknown) =>
        current &&
        setState({ key, generation, result: { status: 'error', error: error instanceof Error ? error : new Error(String(error)) } }),
    );
    return () => {
      current = false;
    };
    // `load` is a new closure each render: the key (and a reload) say when the data changes.
  }, [key, generation]);

  if (state.key !== key) return { status: 'loading' };
  // A reload keeps showing the former data until the new answer comes (no flash of an empty screen).
  return state.result;
}
