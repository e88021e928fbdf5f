import { Button } from '@codegouvfr/react-dsfr/Button';
import { Pagination } from '@codegouvfr/react-dsfr/Pagination';
import type { ReactNode } from 'react';
import { count } from '../format/french';

/**
 * What every list screen shares (issue 14): the page in the address (#/centres?…&page=2, the first page without
 * it), the count with "page 2 sur 5", the DSFR pagination, and the CSV export of the same filters.
 */

/** The page the address asks for; 1 when absent or not a page number. */
export function pageOf(params: URLSearchParams): number {
  const page = Number(params.get('page') ?? 1);
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

/** The API's window for that page. */
export const windowOf = (page: number, pageSize: number) => ({ limit: pageSize, offset: (page - 1) * pageSize });

const pageCount = (total: number, pageSize: number) => Math.max(1, Math.ceil(total / pageSize));

/** "12 résultats · page 2 sur 3" (the page only when there are several). */
export function ListCount({
  id,
  total,
  page,
  pageSize,
  noun,
  plural,
  children,
}: {
  id?: string;
  total: number;
  page: number;
  pageSize: number;
  noun: string;
  plural?: string;
  children?: ReactNode;
}) {
  const pages = pageCount(total, pageSize);
  return (
    <p className="fr-mt-2w" id={id}>
      {count(total, noun, plural)}
      {pages > 1 && ` · page ${page} sur ${pages}`}
      {children}
    </p>
  );
}

/** The pages of a list as links to the same address at another page; nothing when there is one page. */
export function ListPages({
  id,
  path,
  params,
  total,
  page,
  pageSize,
}: {
  id: string;
  path: string;
  params: URLSearchParams;
  total: number;
  page: number;
  pageSize: number;
}) {
  const pages = pageCount(total, pageSize);
  if (pages <= 1) return null;
  const link = (n: number) => {
    const next = new URLSearchParams(params);
    if (n === 1) next.delete('page');
    else next.set('page', String(n));
    return { to: `${path}?${next}` };
  };
  return <Pagination id={id} className="fr-mt-2w" count={pages} defaultPage={page} getPageLinkProps={link} showFirstLast />;
}

/** "Exporter en CSV": fetches the list's CSV (`fetchCsv` answers the API's response as a blob) and saves it as `filename`. */
export function CsvExport({
  fetchCsv,
  filename,
  children = 'Exporter en CSV',
}: {
  fetchCsv: () => Promise<{ response: Response }>;
  filename: string;
  children?: ReactNode;
}) {
  const save = async () => {
    const { response } = await fetchCsv();
    const url = URL.createObjectURL(await response.blob());
    Object.assign(document.createElement('a'), { href: url, download: filename }).click();
    URL.revokeObjectURL(url);
  };
  return (
    <Button priority="secondary" size="small" iconId="fr-icon-download-line" onClick={() => void save()}>
      {children}
    </Button>
  );
}
