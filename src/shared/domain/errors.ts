/**
 * Named domain errors. The API maps them to HTTP (400, 404, 409, 422);
 * workflows turn them into non-retryable application failures of the same name.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A command the current state does not allow: always names the rule that forbids it. */
export class TransitionRefused extends DomainError {
  readonly code = 'transition-refused';
  constructor(
    readonly ruleId: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, { ruleId, ...details });
  }
}

/** Input that is malformed whatever the state: names the field at fault. */
export class InvalidCommand extends DomainError {
  readonly code = 'invalid-command';
  constructor(
    readonly field: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, { field, ...details });
  }
}

/** A session (or any judged input) the rules refuse: every failing rule with its clause, actual and expected values. */
export class RulesFailed extends DomainError {
  readonly code = 'rules-failed';
  constructor(
    message: string,
    readonly failures: ReadonlyArray<{
      ruleId: string;
      check: string;
      clause: string;
      message: string;
      actual: unknown;
      expected: unknown;
    }>,
    details: Record<string, unknown> = {},
  ) {
    super(message, { ruleIds: [...new Set(failures.map((f) => f.ruleId))], ...details });
  }
}

export class NotFound extends DomainError {
  readonly code = 'not-found';
}

/** No valid credentials: a missing, unknown or revoked bearer token, or an inactive user (DATA-3). */
export class Unauthenticated extends DomainError {
  readonly code = 'unauthenticated';
  constructor(message = 'a valid bearer token is required (Authorization: Bearer <token>)') {
    super(message);
  }
}

/** An authenticated principal whose role may not take the action: names the action and the roles that may. */
export class Forbidden extends DomainError {
  readonly code = 'forbidden';
  constructor(
    readonly action: string,
    readonly allowedRoles: readonly string[],
    role?: string,
  ) {
    super(`${action} is reserved to: ${allowedRoles.join(', ') || 'no role'}${role ? ` (you are ${role})` : ''}`, {
      action,
      allowedRoles: [...allowedRoles],
    });
  }
}

export const DOMAIN_ERROR_NAMES = ['TransitionRefused', 'InvalidCommand', 'NotFound'] as const;

export class RuleFileError extends Error {
  constructor(
    readonly label: string,
    readonly problems: string[],
  ) {
    super(`Invalid rule file ${label}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'RuleFileError';
  }
}
