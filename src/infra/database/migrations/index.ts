import { Agrements1763900000200 } from './1763900000200-agrements';
import { AgrementDeadlines1763900000500 } from './1763900000500-agrement-deadlines';
import { ApplicationProcedure1763900000000 } from './1763900000000-application-procedure';
import { UsersAndTokens1763900000100 } from './1763900000100-users-and-tokens';

/** Migrations in order; listed explicitly so they run the same from src/ (vitest) and dist/ (tsc). */
export const MIGRATIONS = [ApplicationProcedure1763900000000, UsersAndTokens1763900000100, Agrements1763900000200, AgrementDeadlines1763900000500];
