/** Injection tokens: the API receives its dependencies, it does not build them. */
export const APPLICATION_DEPS = Symbol('APPLICATION_DEPS');
export const MAIL_CAPTURE = Symbol('MAIL_CAPTURE');
