/** BIL-2: the ECB main refinancing rates by half-year, loaded once from their JSON file, oldest first. */
import type { RateEntry } from '../domain/statement';
import rateTable from './ecb-main-refinancing-rates.json';

export const ECB_RATES: readonly RateEntry[] = Object.freeze(
  [...(rateTable.rates as RateEntry[])].sort((a, b) => (a.from < b.from ? -1 : 1)),
);
