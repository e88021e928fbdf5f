import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { type FormEvent, type ReactNode, useState } from 'react';
import { api, ApiError, idempotencyKey, type Schemas } from '../api/client';
import type { paths } from '../api/schema';

/**
 * The decisions of a screen as data (issue 14): each names its endpoint, its fields, when it is allowed (the subject's
 * state) and its French words; one form (`Decision`) posts any of them. Used by the application, session and statement
 * screens.
 */

const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });

/** A field's choices: each value the API takes, and its French label (in the order shown). */
type Choices = Readonly<Record<string, string>>;
/** How a field's text becomes the API's value: a number, a yes/no, one item per line, identifiers separated by commas or spaces. */
type As = 'number' | 'boolean' | 'lines' | 'ids';

/** A field of a decision's form, as its label and constraints; `required` unless said otherwise. */
export type Field =
  | { kind: 'date'; name: string; label: string; hint?: string; optional?: true }
  | { kind: 'number'; name: string; label: string; min?: number; max?: number; step?: string; defaultValue?: number }
  | {
      kind: 'text';
      name: string;
      label: string;
      hint?: string;
      optional?: true;
      rows?: number;
      maxLength?: number;
      defaultValue?: string;
      as?: As;
    }
  | { kind: 'radio'; name: string; legend: string; options: Choices; as?: As }
  | { kind: 'checks'; name: string; legend: string; options: Choices; as?: 'boolean' }
  | { kind: 'select'; name: string; label: string; hint?: string; options: Choices; defaultValue: string; as?: As }
  | { kind: 'note'; text: string };

function FieldInput({ field: f }: { field: Field }) {
  switch (f.kind) {
    case 'date':
      return (
        <Input
          label={f.label}
          hintText={f.hint}
          nativeInputProps={{ type: 'date', name: f.name, ...(f.optional ? {} : { required: true, defaultValue: today() }) }}
        />
      );
    case 'number':
      return (
        <Input
          label={f.label}
          nativeInputProps={{
            type: 'number',
            name: f.name,
            min: f.min,
            max: f.max,
            step: f.step,
            required: true,
            defaultValue: f.defaultValue,
          }}
        />
      );
    case 'text':
      return f.rows ? (
        <Input
          label={f.label}
          hintText={f.hint}
          textArea
          nativeTextAreaProps={{ name: f.name, rows: f.rows, maxLength: f.maxLength, required: !f.optional, defaultValue: f.defaultValue }}
        />
      ) : (
        <Input
          label={f.label}
          hintText={f.hint}
          nativeInputProps={{ name: f.name, maxLength: f.maxLength, required: !f.optional, defaultValue: f.defaultValue }}
        />
      );
    case 'radio':
      return (
        <RadioButtons
          legend={f.legend}
          name={f.name}
          options={Object.entries(f.options).map(([value, text], i) => ({
            label: text,
            nativeInputProps: { value, defaultChecked: i === 0 },
          }))}
        />
      );
    case 'checks':
      return (
        <Checkbox
          legend={f.legend}
          options={Object.entries(f.options).map(([value, text]) => ({ label: text, nativeInputProps: { name: f.name, value } }))}
        />
      );
    case 'select':
      return (
        <Select label={f.label} hint={f.hint} nativeSelectProps={{ name: f.name, defaultValue: f.defaultValue }}>
          {Object.entries(f.options).map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </Select>
      );
    case 'note':
      return <p className="fr-text--sm">{f.text}</p>;
  }
}

const convert = (text: string, as: As | undefined): unknown => {
  if (as === 'number') return Number(text);
  if (as === 'boolean') return text === 'true';
  if (as === 'lines')
    return text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  if (as === 'ids') return text.split(/[\s,]+/).filter(Boolean);
  return text;
};

/** The form's values by the API's names: an empty or absent field is left out; checkboxes give their list (or whether one is ticked). */
export function valuesOf(fields: Field[], form: FormData): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.kind === 'note') continue;
    if (f.kind === 'checks') {
      values[f.name] = f.as === 'boolean' ? form.has(f.name) : form.getAll(f.name).map(String);
      continue;
    }
    const text = String(form.get(f.name) ?? '').trim();
    if (text !== '') values[f.name] = convert(text, f.kind === 'number' ? 'number' : 'as' in f ? f.as : undefined);
  }
  return values;
}

type Post = (body: Record<string, unknown>) => Promise<{ error?: unknown; response: Response }>;
/** The action endpoints of a subject (POST …/{id}/…). */
export type ActionPath = Extract<keyof paths, `/${'applications' | 'sessions' | 'statements'}/{id}/${string}`>;

/** The actions of a kind of subject: ActionOf<'statements'> is 'sent' | 'invoice' | 'payment'. */
export type ActionOf<R extends string> = ActionPath extends infer P ? (P extends `/${R}/{id}/${infer A}` ? A : never) : never;

/** POST to an action endpoint of the subject `id`, with a new Idempotency-Key; the body is checked by the API (400 naming the field). */
export const postTo =
  (endpoint: ActionPath, id: string): Post =>
  (body) =>
    (api.POST as unknown as (path: string, init: object) => ReturnType<Post>)(endpoint, {
      params: { path: { id }, header: { 'Idempotency-Key': idempotencyKey() } },
      body,
    });

/**
 * One decision: a form that posts its body, then reloads the screen; the API's refusal (in French, with the field or the
 * rule at fault) shown above the form; `reason` says whether it asks a reason (optional by default).
 */
export function Decision({
  id,
  title,
  fields,
  post,
  toBody = (values) => values,
  onDone,
  submitLabel = 'Enregistrer',
  reason: reasonField = 'optional',
}: {
  id: string;
  title: string;
  fields: Field[];
  post: Post;
  toBody?: (values: Record<string, unknown>) => Record<string, unknown>;
  onDone: () => void;
  submitLabel?: string;
  reason?: 'optional' | 'required' | 'none';
}) {
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFailure(null);
    setBusy(true);
    const form = new FormData(event.currentTarget);
    const reason = String(form.get('reason') ?? '').trim();
    const { error, response } = await post({ ...toBody(valuesOf(fields, form)), ...(reason ? { reason } : {}) });
    setBusy(false);
    if (error !== undefined) return setFailure(new ApiError(response.status, error as Partial<Schemas['Error']>).message);
    onDone();
  };
  return (
    <form id={`decision-${id}`} className="fr-my-3w decision" onSubmit={(e) => void submit(e)} aria-labelledby={`decision-${id}-title`}>
      <h3 id={`decision-${id}-title`} className="fr-h6">
        {title}
      </h3>
      {failure && <Alert severity="error" small description={failure} className="fr-mb-2w" role="alert" />}
      {fields.map((f, i) => (
        <FieldInput key={f.kind === 'note' ? i : f.name} field={f} />
      ))}
      {reasonField !== 'none' && (
        <Input
          label={reasonField === 'required' ? 'Motif' : 'Motif (facultatif)'}
          textArea
          nativeTextAreaProps={{ name: 'reason', rows: 2, required: reasonField === 'required' }}
        />
      )}
      <Button type="submit" disabled={busy}>
        {submitLabel}
      </Button>
    </form>
  );
}

/** A decision as data: its endpoint, when the subject `S` allows it, its French title and button, its fields and body. */
export type DecisionSpec<S> = {
  id: string;
  endpoint: ActionPath;
  allowed: (subject: S) => boolean;
  title: string | ((subject: S) => string);
  submitLabel?: string;
  reason?: 'optional' | 'required' | 'none';
  fields?: (subject: S) => Field[];
  /** The API's body from the form's values (by default, the values themselves). */
  toBody?: (values: Record<string, unknown>, subject: S) => Record<string, unknown>;
};

/** The forms of the decisions `subject` allows (ids suffixed with `idSuffix` where a screen shows several subjects). */
export function decisionForms<S>(
  specs: readonly DecisionSpec<S>[],
  { subject, id, onDone, idSuffix = '' }: { subject: S; id: string; onDone: () => void; idSuffix?: string },
): ReactNode[] {
  return specs
    .filter((d) => d.allowed(subject))
    .map((d) => (
      <Decision
        key={d.id}
        id={`${d.id}${idSuffix}`}
        title={typeof d.title === 'string' ? d.title : d.title(subject)}
        submitLabel={d.submitLabel}
        reason={d.reason}
        fields={d.fields?.(subject) ?? []}
        post={postTo(d.endpoint, id)}
        toBody={d.toBody && ((values) => d.toBody!(values, subject))}
        onDone={onDone}
      />
    ));
}

/** The decisions allowed, under a heading; nothing when none is. */
export function DecisionSection({ id, title, forms }: { id: string; title: string; forms: ReactNode[] }) {
  if (forms.length === 0) return null;
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="fr-my-3w">
      <h2 id={`${id}-title`}>{title}</h2>
      {forms}
    </section>
  );
}
