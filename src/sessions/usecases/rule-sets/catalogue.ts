/**
 * AGR-6: the session rule catalogue in force: the real cahier shipped in src/rules (base) plus the versions
 * operations published (AGR-5), each judging sessions from its effective date. A published version never
 * changes, so its compiled form is kept by id.
 */
import type { EntityManager } from 'typeorm';
import { BASE_RULE_CATALOGUE, loadSessionRuleSet, type SessionRuleCatalogue, type SessionRuleSet, withRuleSets } from '../../rules';

const compiled = new Map<string, SessionRuleSet>();

/** A stored version's rules, compiled (label: where it comes from, for error messages). */
export function compileStoredVersion(id: string, rules: unknown): SessionRuleSet {
  return loadSessionRuleSet(rules, `rule_set_versions ${id}`);
}

export async function publishedRuleSets(m: EntityManager): Promise<SessionRuleSet[]> {
  const rows: Array<{ id: string; rules: unknown }> = await m.query(`SELECT id, rules FROM rule_set_versions WHERE status = 'published' AND rule_set = 'sessions'`);
  return rows.map((r) => {
    let set = compiled.get(r.id);
    if (!set) {
      set = compileStoredVersion(r.id, r.rules);
      compiled.set(r.id, set);
    }
    return set;
  });
}

/** The catalogue sessions are judged by: base plus published versions. */
export async function loadRuleCatalogue(m: EntityManager): Promise<SessionRuleCatalogue> {
  return withRuleSets(BASE_RULE_CATALOGUE, await publishedRuleSets(m));
}
