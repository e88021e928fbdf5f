import { type Context, type Deadline, type DeadlineName, LIVE_STATES, type Procedure, type Transition } from './machine';
import { AGREMENT_STATES, type AgrementState, type CommandType } from './model';
import { breach } from './procedures/breach';
import { cahierChange } from './procedures/cahier-change';
import { controlVisit } from './procedures/control-visit';
import { forceMajeure } from './procedures/force-majeure';
import { network } from './procedures/network';
import { quota } from './procedures/quota';
import { referent } from './procedures/referent';
import { suspension } from './procedures/suspension';
import { termAndRenewal } from './procedures/term-renewal';
import { termination } from './procedures/termination';

/** The agrément's state machine: every procedure's transitions in one table (docs/agrement-transitions.md is generated from it). */
export const PROCEDURES: readonly Procedure[] = [
  termAndRenewal,
  referent,
  network,
  quota,
  suspension,
  breach,
  controlVisit,
  termination,
  forceMajeure,
  cahierChange,
];

/** Keyed by each transition's own command type: `decide` hands a transition only the command it was declared for. */
export const TRANSITIONS: ReadonlyMap<CommandType, Transition> = new Map(
  PROCEDURES.flatMap((p) => p.transitions.map((t) => [t.command, t as Transition] as const)),
);

export const DEADLINE_HANDLERS = Object.assign({}, ...PROCEDURES.map((p) => p.onDeadline)) as Record<
  DeadlineName,
  (ctx: Context, d: Deadline, on: string) => void
>;

export type Cell =
  { allowed: true; next: readonly AgrementState[]; guards: Array<{ ruleId: string; holds: string }> } | { allowed: false; ruleId: string };

/** What the table says of a command in a state: allowed (with its guards and next states), or the rule that refuses it. */
export function cell(state: AgrementState, t: Transition): Cell {
  if (t.allowedIn.includes(state))
    return { allowed: true, next: t.next(state), guards: t.guards.map(({ ruleId, holds }) => ({ ruleId, holds })) };
  return { allowed: false, ruleId: t.refusedBy[state] ?? 'TER-5' };
}

/** docs/agrement-transitions.md: states × commands, then each transition's guards, for a lawyer to read. */
export function transitionsMarkdown(): string {
  const lines: string[] = [
    '# The agrément as a transition table',
    '',
    '<!-- Generated from src/agrement/domain/transitions.ts by `npm run docs:transitions`; a test keeps it in sync. -->',
    '',
    'States: ' + AGREMENT_STATES.map((s) => `\`${s}\``).join(', ') + '. `expired` and `terminated` are final.',
    '',
    'A cell gives the state the command leads to (`=` unchanged; several when it depends on the other procedures in course: a',
    'termination notice, then force majeure, then a formal notice, then a suspension, in that order of precedence) or, struck',
    'through, the rule that refuses it in that state (409). Guards (below) may still refuse an allowed command, naming their rule.',
    '',
    `| command | ${AGREMENT_STATES.join(' | ')} |`,
    `|---|${AGREMENT_STATES.map(() => '---').join('|')}|`,
  ];
  for (const t of TRANSITIONS.values()) {
    const cells = AGREMENT_STATES.map((s) => {
      const c = cell(s, t);
      if (!c.allowed) return `~~${c.ruleId}~~`;
      return c.next.length === 1 && c.next[0] === s ? '=' : c.next.join(' / ');
    });
    const guards = [...new Set(t.guards.map((g) => g.ruleId))];
    lines.push(`| \`${t.command}\`${guards.length ? ` (guards: ${guards.join(', ')})` : ''} | ${cells.join(' | ')} |`);
  }
  lines.push('', '## Transitions by procedure', '');
  for (const p of PROCEDURES) {
    lines.push(`### ${p.title}`, '');
    for (const t of p.transitions) {
      lines.push(`- **\`${t.command}\`** (${t.ruleIds.join(', ')}): ${t.summary}.`);
      for (const g of t.guards) lines.push(`  - guard ${g.ruleId}: ${g.holds}`);
    }
    const names = Object.keys(p.onDeadline);
    if (names.length) lines.push(`- deadlines: ${names.map((n) => `\`${n}\``).join(', ')}`);
    lines.push('');
  }
  lines.push(
    `Live states: ${LIVE_STATES.map((s) => `\`${s}\``).join(', ')}. After the end (TER-5) only a finalised session held before it is recorded.`,
    '',
  );
  return lines.join('\n');
}
