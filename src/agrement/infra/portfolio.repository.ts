import type { Db } from '../../shared/database/db';
import { literalLike } from '../../shared/database/like';
import { AGREMENT_STATES, FINAL_STATES } from '../domain/model';
import type {
  CentreSearchFilter,
  CentreSearchRow,
  CentreSort,
  PendingProposalRow,
  PortfolioRepository,
  ProposalQueueFilter,
} from '../usecases/ports';

/**
 * Issue 14: the read models of the "Centres et réseaux" and "Propositions" screens, over the tables the agrément
 * workflows keep (agrements, organisations): filtered, counted, sorted and paged in SQL.
 */

/** Collects the clauses of a WHERE and their parameters, numbered in order. */
class Clauses {
  readonly params: unknown[] = [];
  private readonly list: string[] = [];
  add(sql: string, ...values: unknown[]): void {
    const numbers = values.map((v) => `$${this.params.push(v)}`);
    this.list.push(sql.replace(/\?/g, () => numbers.shift()!));
  }
  toString(): string {
    return this.list.length ? this.list.join(' AND ') : 'true';
  }
}

const sqlList = (values: readonly string[]) => values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
/** The lifecycle order of the states (model.ts), for sorting by state. */
const STATE_ORDER = `array_position(ARRAY[${sqlList(AGREMENT_STATES)}]::text[], a.state)`;
const ENDED = sqlList(FINAL_STATES);

/** The ORDER BY of each sort; ties by name then id, so that pages never overlap. */
function orderBy(sort: CentreSort, order: 'asc' | 'desc'): string {
  const dir = order === 'desc' ? 'DESC' : 'ASC';
  const byName = 'unaccent_lower(o.name), o.name, o.id';
  switch (sort) {
    case 'name':
      return `unaccent_lower(o.name) ${dir}, o.name ${dir}, o.id`;
    case 'department':
      return `o.department ${dir} NULLS LAST, ${byName}`;
    case 'state':
      return `${STATE_ORDER} ${dir}, ${byName}`;
    case 'termOn':
      return `a.term_on ${dir}, ${byName}`;
    case 'nextDeadline':
      return `a.next_deadline_at ${dir} NULLS LAST, ${byName}`;
  }
}

export function portfolioRepository(db: Db): PortfolioRepository {
  return {
    async searchCentres(f: CentreSearchFilter) {
      const where = new Clauses();
      // pg_trgm's index on unaccent_lower(name) answers the substring (migration 1763900004000).
      if (f.name) where.add(`unaccent_lower(o.name) LIKE '%' || unaccent_lower(?) || '%'`, literalLike(f.name));
      if (f.uaiPrefix) where.add(`o.uai LIKE ?`, `${literalLike(f.uaiPrefix)}%`);
      if (f.department) where.add('o.department = ?', f.department);
      if (f.departments) where.add('o.department = ANY(?)', f.departments);
      if (f.networkId) where.add('(o.id = ? OR o.network_id = ?)', f.networkId, f.networkId);
      if (f.organisationIds) where.add('o.id = ANY(?)', f.organisationIds);
      if (f.state) where.add('a.state = ?', f.state);
      if (f.kind) where.add(`(CASE WHEN a.organisation_id = o.id THEN a.kind ELSE 'centre' END) = ?`, f.kind);
      // The agrément that covers the organisation: its own (a running one before an ended one, the latest first), else its
      // network's (ELIG-4: a member holds none). An organisation covered by none (an applicant) is not a centre yet.
      const from = `FROM organisations o
        CROSS JOIN LATERAL (
          SELECT a.* FROM agrements a
           WHERE a.organisation_id = o.id OR a.organisation_id = o.network_id
           ORDER BY a.organisation_id = o.id DESC, a.state IN (${ENDED}), a.start_on DESC, a.id
           LIMIT 1) a
       WHERE ${where}`;
      const [{ total }]: { total: number }[] = await db.query(`SELECT count(*)::int AS total ${from}`, where.params);
      const rows: {
        organisation_id: string;
        name: string;
        uai: string | null;
        department: string | null;
        network_id: string | null;
        network_name: string | null;
        agrement_id: string;
        own: boolean;
        agrement_kind: 'centre' | 'network';
        state: string;
        term_on: string;
        next: { name: string; ruleId: string; on: string } | null;
        candidates: number;
      }[] = await db.query(
        `SELECT o.id AS organisation_id, o.name, o.uai, o.department, o.network_id,
                (SELECT n.name FROM organisations n WHERE n.id = o.network_id) AS network_name, a.id AS agrement_id,
                a.organisation_id = o.id AS own, a.kind AS agrement_kind, a.state, to_char(a.term_on, 'YYYY-MM-DD') AS term_on,
                a.deadlines->0 AS next, a.candidates
           ${from}
          ORDER BY ${orderBy(f.sort, f.order)} LIMIT ${Number(f.limit)} OFFSET ${Number(f.offset)}`,
        where.params,
      );
      const items = rows.map((r): CentreSearchRow => ({
        organisationId: r.organisation_id,
        name: r.name,
        uai: r.uai,
        department: r.department,
        kind: r.own ? r.agrement_kind : 'centre',
        networkId: r.network_id,
        networkName: r.network_name,
        agrementId: r.agrement_id,
        agrementHeldBy: r.own ? 'self' : 'network',
        agrementKind: r.agrement_kind,
        state: r.state,
        termOn: r.term_on,
        nextDeadline: r.next ? { name: r.next.name, ruleId: r.next.ruleId, on: r.next.on } : null,
        candidates: r.candidates,
      }));
      return { total, items };
    },

    async pendingProposals(f: ProposalQueueFilter) {
      const where = new Clauses();
      if (f.kind) where.add(`p->>'kind' = ?`, f.kind);
      if (f.department) where.add('o.department = ?', f.department);
      if (f.departments) where.add('o.department = ANY(?)', f.departments);
      if (f.organisationIds) where.add('a.organisation_id = ANY(?)', f.organisationIds);
      // open_proposals is kept with the snapshot (agrement.repository.ts) and indexed: only agréments with some are read; their
      // proposals from the column PostgreSQL derives from the snapshot (migration 1763900084000), not the whole snapshot.
      const from = `FROM agrements a JOIN organisations o ON o.id = a.organisation_id
        CROSS JOIN LATERAL jsonb_array_elements(a.proposals) p
       WHERE a.open_proposals > 0 AND a.state NOT IN (${ENDED}) AND ${where}`;
      const [{ total }]: { total: number }[] = await db.query(`SELECT count(*)::int AS total ${from}`, where.params);
      const rows: PendingProposalRow[] = await db.query(
        `SELECT p->>'id' AS "proposalId", a.id AS "agrementId", a.state AS "agrementState", a.kind AS "agrementKind",
                o.id AS "organisationId", o.name AS "organisationName", o.department,
                p->>'kind' AS kind, p->>'cause' AS cause, p->>'ruleId' AS "ruleId",
                coalesce(p->'ruleIds', jsonb_build_array(p->>'ruleId')) AS "ruleIds", p->>'reasonFr' AS reason,
                p->>'proposedOn' AS "proposedOn", p->>'visitId' AS "visitId"
           ${from}
          ORDER BY p->>'proposedOn', unaccent_lower(o.name), a.id, p->>'id' LIMIT ${Number(f.limit)} OFFSET ${Number(f.offset)}`,
        where.params,
      );
      return { total, items: rows };
    },
  };
}
