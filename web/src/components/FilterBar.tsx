import { Button } from '@codegouvfr/react-dsfr/Button';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { type FormEvent, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, ok } from '../api/client';
import type { paths } from '../api/schema';
import { label as labelOf } from '../format/labels';

type Regions = paths['/dashboard/regions']['get']['responses'][200]['content']['application/json'];

/**
 * The filters of the dashboard's lists, kept in the address (#/echeances?jours=90&region=84&departement=69&type=centre):
 * a view can be bookmarked and shared. French names in the address, the API's names in the query.
 */
export const FILTERS = { region: 'region', departement: 'department', type: 'kind' } as const;

export type DashboardQuery = { region?: string; department?: string; kind?: 'centre' | 'network' };

export function dashboardQuery(params: URLSearchParams): DashboardQuery {
  const kind = params.get('type');
  return {
    ...(params.get('region') ? { region: params.get('region')! } : {}),
    ...(params.get('departement') ? { department: params.get('departement')! } : {}),
    ...(kind === 'centre' || kind === 'network' ? { kind } : {}),
  };
}

let regionsOnce: Promise<Regions> | null = null;
const loadRegions = () => (regionsOnce ??= api.GET('/dashboard/regions').then(ok));

/** The regions (GET /dashboard/regions), loaded once for every filter form; [] until then (and on failure). */
export function useRegions(): Regions {
  const [regions, setRegions] = useState<Regions>([]);
  useEffect(() => {
    loadRegions().then(setRegions, () => (regionsOnce = null));
  }, []);
  return regions;
}

/**
 * A filter form's submission into the address: the form's non-empty fields, plus the address's parameters the form does
 * not show (e.g. the sort order); `drop` names parameters to forget (e.g. the page, back to the first).
 */
export function paramsFromForm(form: HTMLFormElement, params: URLSearchParams, drop: string[] = []): URLSearchParams {
  const data = new FormData(form);
  const next = new URLSearchParams();
  for (const [name, value] of params) if (!data.has(name) && !drop.includes(name)) next.set(name, value);
  for (const [name, value] of data) if (typeof value === 'string' && value.trim() !== '') next.set(name, value.trim());
  return next;
}

/** The region filter of every list (INSEE codes, GET /dashboard/regions), kept in the address as `region`. */
export function RegionSelect({ params, regions }: { params: URLSearchParams; regions: Regions }) {
  return (
    <Select label="Région" nativeSelectProps={{ name: 'region', defaultValue: params.get('region') ?? '' }}>
      <option value="">Toutes</option>
      {regions.map((r) => (
        <option key={r.code} value={r.code}>
          {r.name}
        </option>
      ))}
    </Select>
  );
}

/** The department filter of every list (INSEE code), kept in the address as `departement`. */
export function DepartmentInput({ params }: { params: URLSearchParams }) {
  return (
    <Input
      label="Département"
      hintText="Code, ex. 69, 2A"
      nativeInputProps={{ name: 'departement', defaultValue: params.get('departement') ?? '', pattern: '\\d{2,3}|2A|2B', size: 4 }}
    />
  );
}

/** The kind filter (centres or networks), kept in the address as `type`. */
export function KindSelect({ params }: { params: URLSearchParams }) {
  return <CodeSelect label="Type" name="type" codes={['centre', 'network']} labels={KIND_FILTER} value={params.get('type')} />;
}
const KIND_FILTER: Readonly<Record<string, string>> = { centre: 'Centres', network: 'Réseaux' };

/** A filter among codes (states, kinds…), each shown by its French label, kept in the address as `name`; `all` reads the empty choice. */
export function CodeSelect({
  label,
  name,
  codes,
  labels,
  value,
  all = 'Tous',
}: {
  label: string;
  name: string;
  codes: readonly string[];
  labels: Readonly<Record<string, string>>;
  value: string | null | undefined;
  all?: string;
}) {
  return (
    <Select label={label} nativeSelectProps={{ name, defaultValue: value ?? '' }}>
      <option value="">{all}</option>
      {codes.map((c) => (
        <option key={c} value={c}>
          {labelOf(labels, c)}
        </option>
      ))}
    </Select>
  );
}

/** A yes/no filter (e.g. the overdue ones), kept in the address as `name=oui` (list-query.ts flagParam). */
export function FlagCheckbox({ label, name, checked }: { label: string; name: string; checked: boolean | undefined }) {
  return <Checkbox options={[{ label, nativeInputProps: { name, value: 'oui', defaultChecked: Boolean(checked) } }]} />;
}

export function FilterBar({ withDays = false }: { withDays?: boolean }) {
  const [params, setParams] = useSearchParams();
  const regions = useRegions();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // Parameters the form does not show (e.g. the kind of deadline chosen on the overview) are kept.
    setParams(paramsFromForm(event.currentTarget, params));
  };

  const key = params.toString();
  return (
    // Keyed by the address (going back shows that address’s filters) and by the regions once loaded (to select one).
    <form id="filters" className="filters" onSubmit={submit} key={`${key}|${regions.length}`} aria-label="Filtres">
      {withDays && (
        <Input
          label="Jours"
          nativeInputProps={{ name: 'jours', type: 'number', min: 1, max: 3660, defaultValue: params.get('jours') ?? '90' }}
        />
      )}
      <RegionSelect params={params} regions={regions} />
      <DepartmentInput params={params} />
      <KindSelect params={params} />
      <Button type="submit">Filtrer</Button>
    </form>
  );
}
