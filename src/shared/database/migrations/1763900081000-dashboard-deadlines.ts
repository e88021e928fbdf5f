import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PARAMETERS } from '../../../config/parameters';

/**
 * Issue 15: GET /dashboard/deadlines and /dashboard/overdue read their deadlines from five sources (agrément deadlines,
 * SES-10 finalisations, BIL-1 statements, SUS-3/TER-5 payments, SES-12 remedies) as a union planned afresh on every
 * request (2.2 ms of planning and 3.7 ms of execution per answer over 10,000 centres: the count joined 1,500 sessions
 * to their organisation one by one). They now read one read table, `dashboard_deadlines`, kept by triggers in the
 * same transaction as the rows it follows, whoever writes them:
 *
 * - one row per open deadline: its instant (`at`), what the dashboards show of it, and where its organisation and its
 *   agrément are found (looked up when read: names, departments, networks and kinds change);
 * - `upcoming`: listed among the deadlines to come (a remedy already overdue is not); `overdue_listed`: listed as
 *   overdue once past (the agréments' own deadlines are not: their workflows act on them); `registered`: its
 *   organisation exists (a session of a school not registered is listed nowhere, as before);
 * - each source's rows are defined once, by a function of the source row, which the triggers and the backfill call.
 *
 * BIL-2's payment term (PARAMETERS.billing.paymentTermDays, rule data) is passed to the statements' trigger when it is
 * created; test/integration/dashboard/infra/dashboard-read-tables.test.ts checks the rows against the domain's
 * paymentDueOn, so a change of the term without a migration fails there.
 */
export class DashboardDeadlines1763900081000 implements MigrationInterface {
  name = 'DashboardDeadlines1763900081000';

  async up(q: QueryRunner): Promise<void> {
    const term = Number(PARAMETERS.billing.paymentTermDays);
    await q.query(`
      CREATE TABLE dashboard_deadlines (
        source text NOT NULL,                 -- agrement, session, statement, payment, remedy
        source_id text NOT NULL,              -- the source row: agrément id:key, session id, statement id, remedy's session id
        subject text NOT NULL,
        subject_id text NOT NULL,
        organisation_id uuid NOT NULL,
        agrement_id uuid,                     -- an agrément's deadline: that agrément
        agrement_organisation_id uuid,        -- a session: the organisation whose agrément it falls under (none when null)
        agrement_of_network boolean NOT NULL, -- a statement or remedy: its network's agrément, else its organisation's
        deadline text NOT NULL,
        rule_id text,
        on_date text,
        at timestamptz NOT NULL,
        tiebreak text NOT NULL,
        key text NOT NULL,
        upcoming boolean NOT NULL,
        overdue_listed boolean NOT NULL,
        registered boolean NOT NULL,
        PRIMARY KEY (source, source_id)
      )`);
    await q.query(
      `CREATE INDEX dashboard_deadlines_upcoming_idx ON dashboard_deadlines (at) INCLUDE (deadline) WHERE upcoming AND registered`,
    );
    await q.query(`CREATE INDEX dashboard_deadlines_overdue_idx ON dashboard_deadlines (at) WHERE overdue_listed AND registered`);
    await q.query(`CREATE INDEX dashboard_deadlines_organisation_idx ON dashboard_deadlines (organisation_id)`);

    // Each source's rows, from one source row.
    await q.query(`
      CREATE FUNCTION dashboard_agrement_deadlines(d agrement_deadlines) RETURNS SETOF dashboard_deadlines LANGUAGE sql STABLE AS $$
        SELECT 'agrement', d.agrement_id || ':' || d.key, 'agrement', d.agrement_id::text, a.organisation_id, d.agrement_id, NULL::uuid, false,
               d.name, d.rule_id, to_char(d.on_date, 'YYYY-MM-DD'), d.at, d.key, d.key, true, false, true
          FROM agrements a WHERE a.id = d.agrement_id
      $$`);
    // SES-10: due 48 hours after the session's end; the date shown is the venue's.
    await q.query(`
      CREATE FUNCTION dashboard_session_deadlines(s sessions) RETURNS SETOF dashboard_deadlines LANGUAGE sql STABLE AS $$
        SELECT 'session', s.id, 'session', s.id, s.organisation_id, NULL::uuid, s.agrement_organisation_id, false,
               'finalisation-due', 'SES-10', to_char(s.deadline_at AT TIME ZONE s.time_zone, 'YYYY-MM-DD'), s.deadline_at, s.id,
               'finalisation-due', true, true, EXISTS (SELECT 1 FROM organisations o WHERE o.id = s.organisation_id)
         WHERE s.status = 'planned'
      $$`);
    // BIL-1: a statement not sent is due by the 5th, end of day in Paris (SUS-3, TER-5: the day of the suspension or end,
    // under that rule). SUS-3, TER-5: sent or invoiced, not paid, made payable at once: due that day (an invoice issued
    // later: on its issue day; never later than BIL-2's term), end of day in Paris (as paymentDueOn).
    await q.query(`
      CREATE FUNCTION dashboard_statement_deadlines(st monthly_statements, payment_term_days integer) RETURNS SETOF dashboard_deadlines
      LANGUAGE sql STABLE AS $$
        SELECT 'statement', st.id::text, 'statement', st.id::text, st.organisation_id, NULL::uuid, NULL::uuid, true,
               'statement-due', coalesce(st.payable_rule_id, 'BIL-1'), to_char(st.due_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD'), st.due_at,
               st.id::text, 'statement-due', true, true, EXISTS (SELECT 1 FROM organisations o WHERE o.id = st.organisation_id)
         WHERE st.state = 'prepared'
        UNION ALL
        SELECT 'payment', st.id::text, 'statement', st.id::text, st.organisation_id, NULL::uuid, NULL::uuid, true,
               'payment-due', st.payable_rule_id, to_char(p.due_on, 'YYYY-MM-DD'),
               ((p.due_on + 1)::timestamp AT TIME ZONE 'Europe/Paris') - interval '1 millisecond',
               st.id::text, 'payment-due', true, true, EXISTS (SELECT 1 FROM organisations o WHERE o.id = st.organisation_id)
          FROM (SELECT CASE WHEN st.invoice_issued_on IS NULL THEN st.payable_on
                            ELSE LEAST(st.invoice_issued_on + payment_term_days, GREATEST(st.payable_on, st.invoice_issued_on)) END AS due_on) p
         WHERE st.state IN ('sent', 'invoiced') AND st.payable_on IS NOT NULL
      $$`);
    // SES-12: remedies owed after an incident attributable to the centre, due by the end of the 5th day after the session.
    await q.query(`
      CREATE FUNCTION dashboard_remedy_deadlines(r session_remedies) RETURNS SETOF dashboard_deadlines LANGUAGE sql STABLE AS $$
        SELECT 'remedy', r.session_id, 'session', r.session_id, r.organisation_id, NULL::uuid, NULL::uuid, true,
               'remedy-due', 'SES-12', r.snapshot->>'dueOn', r.due_at, r.session_id, 'remedy-due', r.state = 'awaiting', true,
               EXISTS (SELECT 1 FROM organisations o WHERE o.id = r.organisation_id)
         WHERE r.state IN ('awaiting', 'overdue')
      $$`);

    // The triggers: the source row's rows replaced by what it defines now.
    const follow = async (fn: string, sources: string, oldId: string, rows: string) =>
      q.query(`
        CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' THEN DELETE FROM dashboard_deadlines WHERE source IN (${sources}) AND source_id = ${oldId}; END IF;
          IF TG_OP <> 'DELETE' THEN INSERT INTO dashboard_deadlines SELECT * FROM ${rows}; END IF;
          RETURN NULL;
        END $$`);
    await follow(
      'dashboard_agrement_deadlines_follow',
      `'agrement'`,
      `OLD.agrement_id || ':' || OLD.key`,
      'dashboard_agrement_deadlines(NEW)',
    );
    await follow('dashboard_sessions_follow', `'session'`, 'OLD.id', 'dashboard_session_deadlines(NEW)');
    await follow(
      'dashboard_statements_follow',
      `'statement', 'payment'`,
      'OLD.id::text',
      'dashboard_statement_deadlines(NEW, TG_ARGV[0]::integer)',
    );
    await follow('dashboard_remedies_follow', `'remedy'`, 'OLD.session_id', 'dashboard_remedy_deadlines(NEW)');
    await q.query(`
      CREATE TRIGGER dashboard_deadlines_follow AFTER INSERT OR UPDATE OR DELETE ON agrement_deadlines
      FOR EACH ROW EXECUTE FUNCTION dashboard_agrement_deadlines_follow()`);
    // Only planned sessions have a deadline: the imports' finalised sessions never run the trigger's function.
    await q.query(`
      CREATE TRIGGER dashboard_deadlines_follow_insert AFTER INSERT ON sessions
      FOR EACH ROW WHEN (NEW.status = 'planned') EXECUTE FUNCTION dashboard_sessions_follow()`);
    await q.query(`
      CREATE TRIGGER dashboard_deadlines_follow_update AFTER UPDATE OF status, deadline_at, time_zone, organisation_id, agrement_organisation_id
      ON sessions FOR EACH ROW WHEN (OLD.status = 'planned' OR NEW.status = 'planned') EXECUTE FUNCTION dashboard_sessions_follow()`);
    await q.query(`
      CREATE TRIGGER dashboard_deadlines_follow_delete AFTER DELETE ON sessions
      FOR EACH ROW WHEN (OLD.status = 'planned') EXECUTE FUNCTION dashboard_sessions_follow()`);
    await q.query(`
      CREATE TRIGGER dashboard_deadlines_follow
      AFTER INSERT OR DELETE OR UPDATE OF state, due_at, payable_on, payable_rule_id, invoice_issued_on, organisation_id ON monthly_statements
      FOR EACH ROW EXECUTE FUNCTION dashboard_statements_follow('${term}')`);
    await q.query(`
      CREATE TRIGGER dashboard_deadlines_follow AFTER INSERT OR DELETE OR UPDATE OF state, due_at, snapshot, organisation_id ON session_remedies
      FOR EACH ROW EXECUTE FUNCTION dashboard_remedies_follow()`);

    // An organisation registered (or removed) after the rows that name it; an agrément moved to another organisation.
    await q.query(`
      CREATE FUNCTION dashboard_deadlines_registered() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          UPDATE dashboard_deadlines SET registered = true WHERE organisation_id = NEW.id AND NOT registered;
        ELSE
          UPDATE dashboard_deadlines SET registered = false WHERE organisation_id = OLD.id AND registered;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER dashboard_deadlines_registered AFTER INSERT OR DELETE ON organisations
      FOR EACH ROW EXECUTE FUNCTION dashboard_deadlines_registered()`);
    await q.query(`
      CREATE FUNCTION dashboard_deadlines_agrement_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE dashboard_deadlines SET organisation_id = NEW.organisation_id WHERE source = 'agrement' AND agrement_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER dashboard_deadlines_agrement_moved AFTER UPDATE OF organisation_id ON agrements
      FOR EACH ROW WHEN (NEW.organisation_id IS DISTINCT FROM OLD.organisation_id) EXECUTE FUNCTION dashboard_deadlines_agrement_moved()`);

    // Backfill, through the same functions.
    await q.query(`INSERT INTO dashboard_deadlines SELECT f.* FROM agrement_deadlines d, dashboard_agrement_deadlines(d) f`);
    await q.query(
      `INSERT INTO dashboard_deadlines SELECT f.* FROM sessions s, dashboard_session_deadlines(s) f WHERE s.status = 'planned'`,
    );
    await q.query(
      `INSERT INTO dashboard_deadlines SELECT f.* FROM monthly_statements st, dashboard_statement_deadlines(st, $1) f WHERE st.state <> 'paid'`,
      [term],
    );
    await q.query(
      `INSERT INTO dashboard_deadlines SELECT f.* FROM session_remedies r, dashboard_remedy_deadlines(r) f WHERE r.state IN ('awaiting', 'overdue')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER dashboard_deadlines_agrement_moved ON agrements`);
    await q.query(`DROP TRIGGER dashboard_deadlines_registered ON organisations`);
    await q.query(`DROP TRIGGER dashboard_deadlines_follow ON session_remedies`);
    await q.query(`DROP TRIGGER dashboard_deadlines_follow ON monthly_statements`);
    await q.query(`DROP TRIGGER dashboard_deadlines_follow_delete ON sessions`);
    await q.query(`DROP TRIGGER dashboard_deadlines_follow_update ON sessions`);
    await q.query(`DROP TRIGGER dashboard_deadlines_follow_insert ON sessions`);
    await q.query(`DROP TRIGGER dashboard_deadlines_follow ON agrement_deadlines`);
    for (const fn of [
      'dashboard_deadlines_agrement_moved()',
      'dashboard_deadlines_registered()',
      'dashboard_remedies_follow()',
      'dashboard_statements_follow()',
      'dashboard_sessions_follow()',
      'dashboard_agrement_deadlines_follow()',
      'dashboard_remedy_deadlines(session_remedies)',
      'dashboard_statement_deadlines(monthly_statements, integer)',
      'dashboard_session_deadlines(sessions)',
      'dashboard_agrement_deadlines(agrement_deadlines)',
    ])
      await q.query(`DROP FUNCTION ${fn}`);
    await q.query(`DROP TABLE dashboard_deadlines`);
  }
}
