/**
 * PRI-1..5: what a candidate's certification costs and what Pix receives from it, by the tariff in
 * force on the session's date (AGR-6). Tariffs are data (src/rules/sessions/prices-YYYY-MM.json) whose
 * amounts come from PARAMETERS.prices, overridden by a later tariff's `parameters` block; adding a
 * tariff = its file + one line in src/sessions/rules/price-tables.ts, which loads them.
 */
import { RuleFileError } from '../../shared/domain/errors';
import { inForceOn, resolveParameters, type VersionedParameters } from '../../shared/domain/versioning';
import { BILLING_MODES, CENTRE_KINDS, type BillingMode, type CentreKind, type SessionCandidate } from './session';

export interface BillingModeTariff {
  ruleIds: string[];
  clause: string;
  /** € incl. VAT, or "agreed": the price agreed with the funding organisation (PRI-2). */
  price: number | 'agreed';
  /** PRI-2: recommended maximum of an agreed price. */
  recommendedMax: number | null;
  pixShare: number;
}

export interface PixShareRule {
  ruleId: string;
  clause: string;
  centreKinds: CentreKind[];
  billingModes: BillingMode[];
  pixShare: number;
}

export interface PriceTable {
  version: string;
  effectiveFrom: string;
  source: string;
  label: string;
  billingModes: Record<BillingMode, BillingModeTariff>;
  pixShareByCentreKind: PixShareRule[];
  /** Centre kinds outside the tariff (SCO-1). */
  notPriced: Array<{ ruleId: string; clause: string; centreKinds: CentreKind[] }>;
  overriddenParameters: string[];
}

export interface CandidatePrice {
  /** € incl. VAT paid for the candidate (recommended price for a free candidate, PRI-1). */
  priceEur: number;
  centreShareEur: number;
  /** Owed to Pix (BIL-1). */
  pixShareEur: number;
  /** PRI-2: recommended maximum of the agreed price; null for other modes. */
  recommendedMaxPriceEur: number | null;
  /** PRI-2: a recommendation, not a prohibition: shown, never refused. */
  aboveRecommendedMax: boolean;
  /** The rules that set this price, e.g. ["PRI-1", "PRI-4", "PRI-5"]. */
  ruleIds: string[];
  tariffVersion: string;
}

const RULE_ID = /^[A-Z]{2,5}-\d+$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isoDateValid(value: unknown): value is string {
  return typeof value === 'string' && ISO_DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/** Validates a tariff file and resolves its amounts. Throws RuleFileError listing every problem. */
export function loadPriceTable(raw: unknown, label: string): PriceTable {
  if (!isObject(raw)) throw new RuleFileError(label, ['a tariff file must be a JSON object']);
  const problems: string[] = [];
  for (const key of ['version', 'source'] as const) {
    if (typeof raw[key] !== 'string' || (raw[key] as string).trim() === '') problems.push(`"${key}" is required`);
  }
  if (!isoDateValid(raw.effectiveFrom)) problems.push('"effectiveFrom" must be an ISO date (AGR-6)');
  const { parameters, overridden } = resolveParameters(raw.parameters, label);

  // Amounts are references into the parameters, as in rule files: a number here would escape them.
  const amount = (value: unknown, where: string): number => {
    if (isObject(value) && value.fact === 'parameters' && typeof value.path === 'string' && /^\$(\.[A-Za-z_]\w*)+$/.test(value.path)) {
      const v = value.path
        .slice(2)
        .split('.')
        .reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), parameters as VersionedParameters);
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
    }
    problems.push(`${where}: must be {"fact":"parameters","path":"$..."} naming a non-negative amount`);
    return Number.NaN;
  };
  const ruleIds = (value: unknown, where: string): string[] => {
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && RULE_ID.test(v))) return value as string[];
    problems.push(`${where}: must list rule IDs like "PRI-1"`);
    return [];
  };
  const listOf = <T extends string>(value: unknown, allowed: readonly T[], where: string): T[] => {
    if (Array.isArray(value) && value.length > 0 && value.every((v) => allowed.includes(v as T))) return value as T[];
    problems.push(`${where}: must list some of ${allowed.join(', ')}`);
    return [];
  };
  const clause = (value: unknown, where: string): string => {
    if (typeof value === 'string' && value.trim() !== '') return value;
    problems.push(`${where}: "clause" is required`);
    return '';
  };

  const modes = isObject(raw.billingModes) ? raw.billingModes : {};
  if (!isObject(raw.billingModes)) problems.push('"billingModes" must be an object');
  const billingModes = {} as Record<BillingMode, BillingModeTariff>;
  for (const mode of BILLING_MODES) {
    const where = `billingModes.${mode}`;
    const t = modes[mode];
    if (!isObject(t)) {
      problems.push(`${where}: missing`);
      continue;
    }
    billingModes[mode] = {
      ruleIds: ruleIds(t.ruleIds, `${where}.ruleIds`),
      clause: clause(t.clause, where),
      // Only funded cohorts have a price set by agreement (PRI-2).
      price: mode === 'funded-cohort' && t.price === 'agreed' ? 'agreed' : amount(t.price, `${where}.price`),
      recommendedMax: t.recommendedMax === undefined ? null : amount(t.recommendedMax, `${where}.recommendedMax`),
      pixShare: amount(t.pixShare, `${where}.pixShare`),
    };
  }
  for (const key of Object.keys(modes)) {
    if (!(BILLING_MODES as readonly string[]).includes(key)) problems.push(`billingModes.${key}: unknown billing mode`);
  }

  const shares = raw.pixShareByCentreKind ?? [];
  const pixShareByCentreKind: PixShareRule[] = [];
  if (!Array.isArray(shares)) problems.push('"pixShareByCentreKind" must be a list');
  else {
    shares.forEach((s: unknown, i: number) => {
      const where = `pixShareByCentreKind[${i}]`;
      if (!isObject(s)) return void problems.push(`${where}: must be an object`);
      pixShareByCentreKind.push({
        ruleId: ruleIds([s.ruleId], `${where}.ruleId`)[0],
        clause: clause(s.clause, where),
        centreKinds: listOf(s.centreKinds, CENTRE_KINDS, `${where}.centreKinds`),
        billingModes: listOf(s.billingModes, BILLING_MODES, `${where}.billingModes`),
        pixShare: amount(s.pixShare, `${where}.pixShare`),
      });
    });
  }
  const unpriced = raw.notPriced ?? [];
  const notPriced: PriceTable['notPriced'] = [];
  if (!Array.isArray(unpriced)) problems.push('"notPriced" must be a list');
  else {
    unpriced.forEach((s: unknown, i: number) => {
      const where = `notPriced[${i}]`;
      if (!isObject(s)) return void problems.push(`${where}: must be an object`);
      notPriced.push({
        ruleId: ruleIds([s.ruleId], `${where}.ruleId`)[0],
        clause: clause(s.clause, where),
        centreKinds: listOf(s.centreKinds, CENTRE_KINDS, `${where}.centreKinds`),
      });
    });
  }
  if (problems.length > 0) throw new RuleFileError(label, problems);
  return Object.freeze({
    version: raw.version as string,
    effectiveFrom: raw.effectiveFrom as string,
    source: raw.source as string,
    label,
    billingModes,
    pixShareByCentreKind,
    notPriced,
    overriddenParameters: overridden,
  });
}

/** AGR-6: the tariff in force on `date` (ISO). */
export function priceTableFor(date: string, tables: readonly PriceTable[]): PriceTable {
  return inForceOn(tables, date, 'tariff');
}

const cents = (eur: number) => Math.round(eur * 100) / 100;

/**
 * PRI-1, PRI-2, PRI-4: Pix's share of a candidate of `mode` at a centre of `centreKind`, by the tariff in
 * force on `date`; null outside the tariff (SCO-1).
 */
export function pixShareOf(mode: BillingMode, centreKind: CentreKind, date: string, tables: readonly PriceTable[]): number | null {
  const table = priceTableFor(date, tables);
  if (table.notPriced.some((n) => n.centreKinds.includes(centreKind))) return null;
  const adjustment = table.pixShareByCentreKind.find((s) => s.centreKinds.includes(centreKind) && s.billingModes.includes(mode));
  return adjustment ? adjustment.pixShare : table.billingModes[mode].pixShare;
}

/**
 * PRI-1..5: the price of `candidate` at a centre of `centreKind`, by the tariff in force on `date` (the
 * session's date). A funded candidate without an agreed price has none: RangeError (PRI-2; the session
 * rules report it as PRI-2.agreed-price).
 */
export function priceOf(
  candidate: Pick<SessionCandidate, 'billing'>,
  centreKind: CentreKind,
  date: string,
  tables: readonly PriceTable[],
): CandidatePrice {
  const table = priceTableFor(date, tables);
  const outside = table.notPriced.find((n) => n.centreKinds.includes(centreKind));
  if (outside) {
    return {
      priceEur: 0,
      centreShareEur: 0,
      pixShareEur: 0,
      recommendedMaxPriceEur: null,
      aboveRecommendedMax: false,
      ruleIds: [outside.ruleId],
      tariffVersion: table.version,
    };
  }
  const { billing } = candidate;
  const tariff = table.billingModes[billing.mode];
  let price: number;
  if (tariff.price === 'agreed') {
    const agreed = billing.mode === 'funded-cohort' ? billing.agreedPriceEur : null;
    if (typeof agreed !== 'number' || !Number.isFinite(agreed) || agreed < 0) {
      throw new RangeError('PRI-2: a funded candidate needs the price agreed with the funding organisation');
    }
    price = agreed;
    // PRI-2: the centre's share is the agreed price less Pix's: never below Pix's share (the session rules refuse it first).
    const share = pixShareOf(billing.mode, centreKind, date, tables);
    if (share !== null && agreed < share) throw new RangeError(`PRI-2: the agreed price (${agreed} €) is below Pix's share (${share} €)`);
  } else {
    price = tariff.price;
  }
  let pixShare = tariff.pixShare;
  const ruleIds = [...tariff.ruleIds];
  const adjustment = table.pixShareByCentreKind.find((s) => s.centreKinds.includes(centreKind) && s.billingModes.includes(billing.mode));
  if (adjustment) {
    pixShare = adjustment.pixShare;
    ruleIds.splice(1, 0, adjustment.ruleId);
  }
  return {
    priceEur: price,
    centreShareEur: cents(price - pixShare),
    pixShareEur: pixShare,
    recommendedMaxPriceEur: tariff.recommendedMax,
    aboveRecommendedMax: tariff.recommendedMax !== null && price > tariff.recommendedMax,
    ruleIds,
    tariffVersion: table.version,
  };
}
