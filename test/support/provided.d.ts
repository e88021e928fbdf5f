import 'vitest';

// Values shared by test/support/global-setup.ts with every test file (read them with `inject`).
declare module 'vitest' {
  export interface ProvidedContext {
    /** Scratch database of this run, migrated. */
    databaseUrl: string;
    /** Executable of the Temporal time-skipping test server (`<path> <port>`). */
    temporalTestServerPath: string;
  }
}
