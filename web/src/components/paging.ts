/**
 * The paging and export helpers of the list screens (Journal, Imports…): a page's link keeps the address's
 * filters (page 1 has no `page`), and a CSV answer is saved under a file name.
 */
export function pageLinkOf(path: string, params: URLSearchParams) {
  return (n: number) => {
    const next = new URLSearchParams(params);
    if (n === 1) next.delete('page');
    else next.set('page', String(n));
    const query = next.toString();
    return { to: query ? `${path}?${query}` : path };
  };
}

/** The page number in the address (`page`, from 1); anything else reads as the first page. */
export function pageOf(params: URLSearchParams): number {
  const page = Number(params.get('page') ?? 1);
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

/** Saves an answer (a CSV export) as a download named `fileName`. */
export async function saveAs(response: Response, fileName: string): Promise<void> {
  const url = URL.createObjectURL(await response.blob());
  Object.assign(document.createElement('a'), { href: url, download: fileName }).click();
  URL.revokeObjectURL(url);
}
