/**
 * AGR-6: the session rule catalogue in force: the real cahier shipped in src/rules (base) plus the versions
 * operations published (AGR-5), each judging sessions from its effective date. A published version never
 * changes, so its compiled form is kept by id.
 */
import type { Db } from '../../../shared/database/db';
import { BASE_RULE_CATALOGUE, loadSessionRuleSet, type SessionRuleCatalogue, type SessionRuleSet, withRuleSets } from '../../rules';
import { ruleSetVersionsRepository } from '../../infra/rule-set-versions.repository';
import type { RuleSetVersionsRepository } from './ports';

const compiled = new Map<string, SessionRuleSet>();

/** A stored version's rules, compiled (label: where it comes from, for error messages). */
export function compileStoredVersion(id: string, rules: unknown): SessionRuleSet {
  return loadSessionRuleSet(rules, `rule_set_versions ${id}`);
}

/** The published versions, compiled once each. */
export async function compiledPublishedVersions(
  versions: Pick<RuleSetVersionsRepository, 'publishedSessionRules'>,
): Promise<SessionRuleSet[]> {
  const rows = await versions.publishedSessionRules();
  return rows.map((r) => {
    let set = compiled.get(r.id);
    if (!set) {
      set = compileStoredVersion(r.id, r.rules);
      compiled.set(r.id, set);
    }
    return set;
  });
}

export async function publishedRuleSets(m: Db): Promise<SessionRuleSet[]> {
  return compiledPublishedVersions(ruleSetVersionsRepository(m));
}

/** The catalogue sessions are judged by: base plus published versions. */
export async function loadRuleCatalogue(m: Db): Promise<SessionRuleCatalogue> {
  return withRuleSets(BASE_RULE_CATALOGUE, await publishedRuleSets(m));
}
