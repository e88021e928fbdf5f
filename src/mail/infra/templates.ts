/**
 * E-mail rendering: French handlebars templates in `<project root>/templates`.
 *
 * Each template is three files (`<name>.subject.hbs`, `<name>.html.hbs`, `<name>.txt.hbs`); the HTML
 * body is wrapped in `templates/layouts/base.html.hbs`; partials come from `templates/partials/*.hbs`.
 * Every template file opens with a handlebars comment citing the rule IDs it serves (APP-*, DOC-*, ELIG-* for the
 * application procedure; AGR-*, REF-*, QUO-*, SUS-*, BRE-*, TER-*, VIS-* for the agrément lifecycle).
 *
 * Templates compile once (lazily) and are cached for the life of the process. Rendering fails loudly:
 * unknown template → UnknownTemplateError; data its definition refuses → MissingTemplateDataError
 * (checked up front, see template-data.ts and REQUIRED_FIELDS); anything else the template references without it being
 * there → TemplateRenderError (handlebars `strict: true`).
 */
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { PARAMETERS } from '../../config/parameters';
import type { ApplicationState } from '../../application/domain/procedure';
import { TEMPLATE_NAMES, type TemplateName } from '../domain/catalogue';
import { frenchDate, frenchDateIn, frenchDateTimeIn } from '../../shared/domain/french-dates';
import { type DateInput, readDateInput } from '../../shared/domain/notification';
import { defaultedFields, describe, requiredFields, templateDataProblems, withDefaults } from './template-data';

export { TEMPLATE_NAMES, type TemplateData, type TemplateDataMap, type TemplateName } from '../domain/catalogue';
export type { DateInput } from '../../shared/domain/notification';

export interface RenderedEmail {
  /** One line, no markup. */
  subject: string;
  /** Complete HTML document (layout included). */
  html: string;
  /** Plain-text alternative. */
  text: string;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export class TemplateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UnknownTemplateError extends TemplateError {
  constructor(readonly template: string) {
    super(`Unknown e-mail template "${template}". Known templates: ${TEMPLATE_NAMES.join(', ')}.`);
  }
}

export class MissingTemplateDataError extends TemplateError {
  constructor(
    readonly template: TemplateName,
    readonly problems: string[],
  ) {
    super(`E-mail template "${template}": missing or invalid required data: ${problems.join('; ')}.`);
  }
}

export class TemplateRenderError extends TemplateError {
  constructor(
    readonly template: string,
    readonly part: string,
    cause: unknown,
  ) {
    super(`E-mail template "${template}" (${part}) failed to render: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

// ---------------------------------------------------------------------------------------------
// The data each template takes is defined once, in its producing context (src/mail/domain/catalogue.ts):
// checked before rendering (handlebars strict mode does not see values passed to helpers or block
// helpers, e.g. {{dateFr submittedAt}} or {{#each missingPieces}}), see template-data.ts.
// ---------------------------------------------------------------------------------------------

/** Required fields per template (the data the template renders with: required of the caller, or defaulted). */
export const REQUIRED_FIELDS: Readonly<Record<TemplateName, readonly string[]>> = Object.freeze(
  Object.fromEntries(TEMPLATE_NAMES.map((name) => [name, requiredFields(name)])) as Record<TemplateName, string[]>,
);

/**
 * Fields a caller may omit because the template's definition gives them a default (they still appear in
 * REQUIRED_FIELDS, which describes the data the template renders with, and are validated after the defaults apply).
 */
export const DEFAULTED_FIELDS: Readonly<Record<TemplateName, readonly string[]>> = Object.freeze(
  Object.fromEntries(TEMPLATE_NAMES.map((name) => [name, defaultedFields(name)])) as Record<TemplateName, string[]>,
);

// ---------------------------------------------------------------------------------------------
// Formatting (also exported for other French pages, e.g. the mail capture index)
// ---------------------------------------------------------------------------------------------

const PARIS = 'Europe/Paris';

type ParsedDate = { kind: 'date'; date: Date } | { kind: 'instant'; date: Date };

function parseDateInput(value: unknown): ParsedDate {
  if (value instanceof Date && Number.isNaN(value.getTime())) throw new Error('invalid Date');
  const parsed = readDateInput(value);
  if (parsed) return parsed;
  throw new Error(`expected an ISO date ("2025-01-31") or instant ("2025-01-31T09:00:00Z"), got ${describe(value)}`);
}

/**
 * "31 janvier 2025", "1er mars 2025". A calendar date ("2025-01-31") is shown as is; an instant is shown
 * in Europe/Paris. With `withTime` an instant also shows the Paris time: "31 janvier 2025 à 14 h 30".
 */
export function formatDateFr(value: DateInput, options: { withTime?: boolean } = {}): string {
  const parsed = parseDateInput(value);
  if (parsed.kind === 'date') return frenchDate(parsed.date.toISOString().slice(0, 10));
  return options.withTime ? frenchDateTimeIn(parsed.date, PARIS) : frenchDateIn(parsed.date, PARIS);
}

/**
 * SES-10: an instant with its date and time in the given zone (the centre's): "30 mars 2026 à 17 h",
 * "1er avril 2026 à 7 h 30". A calendar date is refused: a deadline in hours needs its time.
 */
export function formatDateTimeFrIn(value: DateInput, timeZone: string): string {
  const parsed = parseDateInput(value);
  if (parsed.kind !== 'instant') throw new Error(`expected an instant, got the calendar date ${describe(value)}`);
  return frenchDateTimeIn(parsed.date, timeZone);
}

const NUMBER_FORMAT = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });

// Made once: a formatter per call cost the demo seed's e-mails a second of CPU (issue 14).
const euros = (minimumFractionDigits: number) =>
  new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', minimumFractionDigits, maximumFractionDigits: 2 });
const EUROS_WHOLE = euros(0);
const EUROS_CENTS = euros(2);

/** "250 €", "12,50 €", "1 250 €" (French separators, non-breaking spaces). */
export function formatEuros(amount: number): string {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    throw new Error(`expected an amount in euros, got ${describe(amount)}`);
  }
  return (Number.isInteger(amount) ? EUROS_WHOLE : EUROS_CENTS).format(amount);
}

/** DOC-4: the reason codes of a missing piece; any other reason is a French sentence, printed as is. */
const PIECE_REASONS: Record<'missing' | 'stale' | 'unsigned' | 'unreadable', string> = {
  missing: 'pièce manquante',
  stale: `document daté de plus de ${PARAMETERS.dossier.proofOfExistenceMaxAgeMonths} mois, à fournir à nouveau`,
  unsigned: 'document non signé par un représentant légal',
  unreadable: 'document illisible ou incomplet',
};

/** Application states (procedure.ts) as Pix operations read them; the code stays visible in parentheses. */
const STATE_LABELS: Record<ApplicationState, string> = {
  submitted: 'déposée, en cours d’instruction',
  incomplete: 'incomplète, en attente de pièces',
  rejected: 'non recevable',
  admissible: 'recevable, formation du référent à suivre',
  'referent-trained': 'référent formé, agrément à accorder',
  granted: 'agrément accordé, formulaire d’adhésion attendu',
  'adhesion-received': 'formulaire d’adhésion reçu, attestation à délivrer',
  'attestation-issued': 'attestation délivrée',
};

// ---------------------------------------------------------------------------------------------
// Handlebars environment
// ---------------------------------------------------------------------------------------------

type HelperOptions = Handlebars.HelperOptions;

function helperError(helper: string, error: unknown): Error {
  return new Error(`helper "${helper}": ${error instanceof Error ? error.message : String(error)}`);
}

function createEnvironment(dir: string): typeof Handlebars {
  const hb = Handlebars.create();

  hb.registerHelper('dateFr', (value: unknown, options: HelperOptions) => {
    try {
      return formatDateFr(value as DateInput, { withTime: options?.hash?.time === true });
    } catch (error) {
      throw helperError('dateFr', error);
    }
  });
  hb.registerHelper('euros', (amount: unknown) => {
    try {
      return formatEuros(amount as number);
    } catch (error) {
      throw helperError('euros', error);
    }
  });
  /** {{plural n "jour" "jours"}} — French: 0 and 1 take the singular. */
  hb.registerHelper('plural', (count: unknown, singular: unknown, plural: unknown) => {
    if (typeof count !== 'number' || typeof singular !== 'string' || typeof plural !== 'string') {
      throw helperError('plural', `expected (number, string, string), got (${describe(count)}, …)`);
    }
    return Math.abs(count) < 2 ? singular : plural;
  });
  /** {{numberFr 2500}} → "2 500" (French digit grouping). */
  hb.registerHelper('numberFr', (value: unknown) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw helperError('numberFr', `expected a number, got ${describe(value)}`);
    }
    return NUMBER_FORMAT.format(value);
  });
  /** {{timeFr "14:00"}} → "14 h", {{timeFr "09:30"}} → "9 h 30" (a local time of day, as typed). */
  hb.registerHelper('timeFr', (value: unknown) => {
    const m = typeof value === 'string' ? /^(\d{2}):(\d{2})$/.exec(value) : null;
    if (!m) throw helperError('timeFr', `expected HH:MM, got ${describe(value)}`);
    return `${Number(m[1])} h${m[2] === '00' ? '' : ` ${m[2]}`}`;
  });
  /** {{#if (eq cause "quota")}}: strict equality, for codes chosen among a few known values. */
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  /** {{dateTimeIn deadlineAt timeZone}}: an instant with its time in the centre's zone (SES-10). */
  hb.registerHelper('dateTimeIn', (value: unknown, timeZone: unknown) => {
    try {
      return formatDateTimeFrIn(value as DateInput, String(timeZone));
    } catch (error) {
      throw helperError('dateTimeIn', error);
    }
  });
  hb.registerHelper('pieceReason', (reason: unknown) => {
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw helperError('pieceReason', `expected a reason code or sentence, got ${describe(reason)}`);
    }
    return (PIECE_REASONS as Record<string, string>)[reason] ?? reason;
  });
  hb.registerHelper('applicationState', (state: unknown) => {
    if (typeof state !== 'string' || state === '') {
      throw helperError('applicationState', `expected a state code, got ${describe(state)}`);
    }
    const label = (STATE_LABELS as Record<string, string | undefined>)[state];
    return label ? `${label} (${state})` : state;
  });
  /** {{#if (hasRule failures "ELIG-1")}}: a failure cites that rule (or one of its sub-rules, "ELIG-1.a"). */
  hb.registerHelper('hasRule', (failures: unknown, ruleId: unknown) => {
    if (!Array.isArray(failures) || typeof ruleId !== 'string') return false;
    return failures.some((failure) => {
      const id = (failure as { ruleId?: unknown } | null)?.ruleId;
      return typeof id === 'string' && (id === ruleId || (id.startsWith(ruleId) && !/^\d/.test(id.slice(ruleId.length))));
    });
  });

  const partialsDir = path.join(dir, 'partials');
  if (fs.existsSync(partialsDir)) {
    for (const file of fs.readdirSync(partialsDir).sort()) {
      if (!file.endsWith('.hbs')) continue;
      hb.registerPartial(file.slice(0, -'.hbs'.length), fs.readFileSync(path.join(partialsDir, file), 'utf8'));
    }
  }
  return hb;
}

interface CompiledTemplate {
  subject: Handlebars.TemplateDelegate;
  html: Handlebars.TemplateDelegate;
  text: Handlebars.TemplateDelegate;
}

interface TemplateStore {
  dir: string;
  hb: typeof Handlebars;
  layout: Handlebars.TemplateDelegate;
  templates: Map<TemplateName, CompiledTemplate>;
}

let store: TemplateStore | undefined;

/** The first directory at or above `from` holding a package.json (src/… under vitest, dist/src/… when compiled). */
export function findProjectRoot(from: string = __dirname): string {
  let current = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(current, 'package.json'))) return current;
    const parent = path.dirname(current);
    if (parent === current) throw new TemplateError(`No package.json found at or above ${from}: cannot locate templates/.`);
    current = parent;
  }
}

/** Absolute path of the templates directory. */
export function templatesDir(): string {
  return getStore().dir;
}

function getStore(): TemplateStore {
  if (store) return store;
  const dir = path.join(findProjectRoot(), 'templates');
  if (!fs.existsSync(dir)) throw new TemplateError(`E-mail templates directory not found: ${dir}`);
  const hb = createEnvironment(dir);
  const layout = hb.compile(readTemplateFile(dir, path.join('layouts', 'base.html.hbs')), { strict: true });
  store = { dir, hb, layout, templates: new Map() };
  return store;
}

function readTemplateFile(dir: string, relative: string): string {
  const file = path.join(dir, relative);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new TemplateError(`Cannot read e-mail template file ${file}`, { cause: error });
  }
}

function compiled(name: TemplateName): CompiledTemplate {
  const current = getStore();
  let template = current.templates.get(name);
  if (!template) {
    const read = (part: string) => readTemplateFile(current.dir, `${name}.${part}.hbs`);
    template = {
      // Subject and text are not HTML: no escaping (an apostrophe stays an apostrophe).
      subject: current.hb.compile(read('subject'), { strict: true, noEscape: true }),
      html: current.hb.compile(read('html'), { strict: true }),
      text: current.hb.compile(read('txt'), { strict: true, noEscape: true }),
    };
    current.templates.set(name, template);
  }
  return template;
}

function run(name: string, part: string, template: Handlebars.TemplateDelegate, data: unknown): string {
  try {
    return template(data);
  } catch (error) {
    throw new TemplateRenderError(name, part, error);
  }
}

export function isTemplateName(name: unknown): name is TemplateName {
  return typeof name === 'string' && (TEMPLATE_NAMES as readonly string[]).includes(name);
}

/**
 * Renders one e-mail. `data` is described by TemplateData<name> (src/mail/domain/catalogue.ts); REQUIRED_FIELDS lists
 * what must be there.
 * Throws UnknownTemplateError, MissingTemplateDataError or TemplateRenderError.
 */
export function renderEmail(name: TemplateName, data: object): RenderedEmail {
  if (!isTemplateName(name)) throw new UnknownTemplateError(String(name));
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new MissingTemplateDataError(name, [`data must be an object (got ${describe(data)})`]);
  }
  const context = withDefaults(name, data as Record<string, unknown>);
  const problems = templateDataProblems(name, context);
  if (problems.length > 0) throw new MissingTemplateDataError(name, problems);

  const template = compiled(name);
  const subject = run(name, 'subject', template.subject, context).replace(/\s+/g, ' ').trim();
  const body = run(name, 'html', template.html, context).trim();
  const html = run(name, 'layout', getStore().layout, { subject, body }).trim() + '\n';
  const text =
    run(name, 'text', template.text, context)
      .replace(/[ \t]+$/gm, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n';
  if (subject === '') throw new TemplateRenderError(name, 'subject', new Error('empty subject'));
  return { subject, html, text };
}
