import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, the calendar feed: a token has a scope. `api` (every token so far) is sent as
 * `Authorization: Bearer` and never in a URL; `calendar` opens only the read-only iCalendar feed of deadlines
 * (GET /dashboard/deadlines.ics?token=…), since calendar applications send no header, and nothing else.
 */
export class TokenScopes1763900005010 implements MigrationInterface {
  name = 'TokenScopes1763900005010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_tokens ADD COLUMN scope text NOT NULL DEFAULT 'api' CHECK (scope IN ('api', 'calendar'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_tokens DROP COLUMN scope`);
  }
}
