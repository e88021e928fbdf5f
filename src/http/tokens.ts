/** Injection tokens: the API receives its dependencies, it does not build them. */
export const APPLICATION_DEPS = Symbol('APPLICATION_DEPS');
export const MAIL_CAPTURE = Symbol('MAIL_CAPTURE');
/** Turns a bearer token into a principal (see auth/authenticator.ts); built from APPLICATION_DEPS' db. */
export const AUTHENTICATOR = Symbol('AUTHENTICATOR');
/** Dashboards' read-through cache (see cache/read-through-cache.ts). */
export const DASHBOARD_CACHE = Symbol('DASHBOARD_CACHE');
/** Issue 12: bulk import limits, in bytes (the file, a line): see ImportLimits in sessions/imports.controller.ts. */
export const IMPORT_LIMITS = Symbol('IMPORT_LIMITS');
/** Where the API's e-mails to Pix go (OPERATIONS_EMAIL, LEGAL_EMAIL), from the configuration read at start. */
export const MAIL_RECIPIENTS = Symbol('MAIL_RECIPIENTS');
