/** A piece of work that ends when the test says so: `open()` resolves `done`, `fail(err)` rejects it. */
export function gate() {
  let open!: () => void;
  let fail!: (err: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { done, open, fail };
}
