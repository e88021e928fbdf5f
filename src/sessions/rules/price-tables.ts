/**
 * PRI-1..5, AGR-6: the tariffs in force over time, loaded once from their JSON files and checked by
 * loadPriceTable (src/sessions/domain/pricing.ts). Adding a tariff = its file + one line here.
 */
import { sortVersions } from '../../shared/domain/versioning';
import { loadPriceTable, type PriceTable } from '../domain/pricing';
import prices202001 from './prices-2020-01.json';

/** One line per tariff (any order: sorted by effectiveFrom). */
const TARIFF_FILES: ReadonlyArray<readonly [raw: unknown, label: string]> = [[prices202001, 'src/sessions/rules/prices-2020-01.json']];

/** Every tariff, sorted by effectiveFrom. */
export const PRICE_TABLES: readonly PriceTable[] = Object.freeze(
  sortVersions(
    TARIFF_FILES.map(([raw, label]) => loadPriceTable(raw, label)),
    'Tariffs',
  ),
);
