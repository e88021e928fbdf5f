export { AuthGuard } from './auth.guard';
export { type Authenticator, databaseAuthenticator } from './authenticator';
export { AuthenticatedOnly, CalendarTokenAccepted, Can, CurrentPrincipal, Public } from './decorators';
export { principalOf, requirePrincipal } from './principal';
