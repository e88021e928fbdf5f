import 'vitest';

// Values shared by test/support/global-setup.ts with every test file (read them with `inject`).
declare module 'vitest' {
  export interface ProvidedContext {
    /** Scratch database of this run, migrated, as the app's least-privilege role (issue 12). */
    databaseUrl: string;
    /** The same database as its owner (a superuser): migrations, and tests that tamper behind the app's back. */
    ownerDatabaseUrl: string;
    /** Executable of the Temporal time-skipping test server (`<path> <port>`). */
    temporalTestServerPath: string;
    /** The production workflows bundled once for the run (issue 13): workers load it as `workflowBundle: { codePath }`. */
    workflowBundlePath: string;
  }
}
