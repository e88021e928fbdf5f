import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import { loadPriceTable, priceOf, priceTableFor } from '../../../../src/sessions/domain/pricing';
import { PRICE_TABLES } from '../../../../src/sessions/rules/price-tables';
import { InvalidCommand } from '../../../../src/shared/domain/errors';
import { type CandidateBilling, CENTRE_KINDS } from '../../../../src/sessions/domain/session';
import { parseSessionReport } from '../../../../src/sessions/usecases/session-report';
import { sessionReport } from '../../../support/session-fixtures';
import { RuleFileError } from '../../../../src/shared/rules/rule-engine';
import prices2020 from '../../../../src/sessions/rules/prices-2020-01.json';

const DATE = '2026-06-15';
const as = (billing: CandidateBilling) => ({ billing });
const FREE = as({ mode: 'free-candidate' });
const funded = (agreedPriceEur: number | null) => as({ mode: 'funded-cohort', agreedPriceEur });
const FREE_OF_CHARGE = as({ mode: 'free-of-charge', reason: 'higher-education-initial-training' });

describe('PRI-1: free candidates', () => {
  it('PRI-1: recommended 45 € incl. VAT, 35 € to the centre, 10 € to Pix', () => {
    expect(priceOf(FREE, 'centre', DATE, PRICE_TABLES)).toEqual({
      priceEur: 45,
      centreShareEur: 35,
      pixShareEur: 10,
      recommendedMaxPriceEur: null,
      aboveRecommendedMax: false,
      ruleIds: ['PRI-1', 'PRI-5'],
      tariffVersion: '2020-01',
    });
  });

  it('PRI-1: the amounts come from PARAMETERS.prices, not from code', () => {
    const price = priceOf(FREE, 'higher-education', DATE, PRICE_TABLES);
    expect(price.priceEur).toBe(PARAMETERS.prices.freeCandidatePriceEur);
    expect(price.pixShareEur).toBe(PARAMETERS.prices.pixShareEur);
  });
});

describe('PRI-2: cohorts funded by an organisation', () => {
  it('PRI-2: the agreed price, Pix’s share 10 €, the rest to the centre', () => {
    expect(priceOf(funded(39.9), 'centre', DATE, PRICE_TABLES)).toMatchObject({
      priceEur: 39.9,
      centreShareEur: 29.9,
      pixShareEur: 10,
      ruleIds: ['PRI-2', 'PRI-5'],
    });
  });

  it('PRI-2: 45 € is the recommended maximum: at it passes, above is flagged (a recommendation, not a refusal)', () => {
    expect(priceOf(funded(45), 'centre', DATE, PRICE_TABLES)).toMatchObject({ recommendedMaxPriceEur: 45, aboveRecommendedMax: false });
    expect(priceOf(funded(45.01), 'centre', DATE, PRICE_TABLES)).toMatchObject({ priceEur: 45.01, aboveRecommendedMax: true });
  });

  it("PRI-2: an agreed price below Pix's share has no price either (the centre's share would be negative)", () => {
    expect(() => priceOf(funded(9.99), 'centre', DATE, PRICE_TABLES)).toThrow(/PRI-2.*below Pix's share \(10 €\)/);
    expect(priceOf(funded(9), 'network-b-member', DATE, PRICE_TABLES)).toMatchObject({ pixShareEur: 9, centreShareEur: 0 });
  });

  it('PRI-2: without an agreed price there is no price', () => {
    expect(() => priceOf(funded(null), 'centre', DATE, PRICE_TABLES)).toThrow(/PRI-2/);
    expect(() => priceOf(funded(-1), 'centre', DATE, PRICE_TABLES)).toThrow(RangeError);
  });
});

describe('PRI-3: free of charge', () => {
  it('PRI-3: nothing charged, nothing owed to Pix', () => {
    expect(priceOf(FREE_OF_CHARGE, 'higher-education', DATE, PRICE_TABLES)).toMatchObject({
      priceEur: 0,
      centreShareEur: 0,
      pixShareEur: 0,
      ruleIds: ['PRI-3', 'PRI-5'],
    });
  });

  it('PRI-3: no PRI-4 reduction applies to a free certification (the share is already 0)', () => {
    expect(
      priceOf(as({ mode: 'free-of-charge', reason: 'public-establishment-staff' }), 'network-b-member', DATE, PRICE_TABLES),
    ).toMatchObject({
      pixShareEur: 0,
      ruleIds: ['PRI-3', 'PRI-5'],
    });
  });
});

describe('PRI-4: members of a type B network', () => {
  it('PRI-4: Pix’s share is 9 € for a free candidate (the centre keeps 36 €)', () => {
    expect(priceOf(FREE, 'network-b-member', DATE, PRICE_TABLES)).toMatchObject({
      priceEur: 45,
      centreShareEur: 36,
      pixShareEur: 9,
      ruleIds: ['PRI-1', 'PRI-4', 'PRI-5'],
    });
  });

  it('PRI-4: and for a funded cohort', () => {
    expect(priceOf(funded(40), 'network-b-member', DATE, PRICE_TABLES)).toMatchObject({
      priceEur: 40,
      centreShareEur: 31,
      pixShareEur: 9,
      ruleIds: ['PRI-2', 'PRI-4', 'PRI-5'],
    });
  });

  it('PRI-4: not for other centres', () => {
    expect(priceOf(FREE, 'centre', DATE, PRICE_TABLES).pixShareEur).toBe(10);
  });
});

describe('PRI-5 and SCO-1', () => {
  it('PRI-5: one flat price per candidate: the centre’s and Pix’s shares make the whole price, whatever the mode and the centre', () => {
    const billings = [
      FREE,
      funded(30),
      funded(45.01),
      FREE_OF_CHARGE,
      as({ mode: 'free-of-charge', reason: 'public-establishment-staff' }),
    ];
    for (const kind of CENTRE_KINDS.filter((k) => k !== 'secondary-school')) {
      for (const c of billings) {
        const price = priceOf(c, kind, DATE, PRICE_TABLES);
        expect(price.centreShareEur + price.pixShareEur, `${kind} ${c.billing.mode}`).toBeCloseTo(price.priceEur, 9);
        expect(price.centreShareEur).toBeGreaterThanOrEqual(0);
        expect(price.ruleIds).toContain('PRI-5');
        // Nothing but the price and its split: no fee on top.
        expect(Object.keys(price).sort()).toEqual([
          'aboveRecommendedMax',
          'centreShareEur',
          'pixShareEur',
          'priceEur',
          'recommendedMaxPriceEur',
          'ruleIds',
          'tariffVersion',
        ]);
      }
    }
  });

  it('PRI-5: no other fee can be reported: a candidate’s billing is its mode, the agreed price or the free-of-charge reason, nothing else (400 naming the field)', () => {
    const report = sessionReport('0b6f0d4e-1c1a-4c55-9a4b-3d1f7f1c2a11', {}, 2);
    expect(parseSessionReport(report).candidates).toHaveLength(2);
    for (const fee of ['registrationFeeEur', 'examFeeEur', 'extraFeeEur']) {
      const withFee = {
        ...report,
        candidates: [report.candidates[0], { ...report.candidates[1]!, billing: { mode: 'funded-cohort', agreedPriceEur: 40, [fee]: 15 } }],
      };
      let error: unknown;
      try {
        parseSessionReport(withFee);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidCommand);
      expect((error as InvalidCommand).field).toBe(`candidates.1.billing.${fee}`);
    }
  });

  it('SCO-1: secondary schools are outside the agreed centres’ tariff', () => {
    expect(priceOf(FREE, 'secondary-school', DATE, PRICE_TABLES)).toMatchObject({ priceEur: 0, pixShareEur: 0, ruleIds: ['SCO-1'] });
  });
});

describe('AGR-6: tariffs are effective-dated data', () => {
  const copy = () => structuredClone(prices2020) as Record<string, unknown>;
  const later = loadPriceTable(
    { ...copy(), version: '2028-01', effectiveFrom: '2028-01-01', parameters: { prices: { pixShareEur: 12, freeCandidatePriceEur: 50 } } },
    'test',
  );
  const tables = [...PRICE_TABLES, later];

  it('AGR-6: the tariff in force on the session date decides', () => {
    expect(priceOf(FREE, 'centre', '2027-12-31', tables)).toMatchObject({ priceEur: 45, pixShareEur: 10, tariffVersion: '2020-01' });
    expect(priceOf(FREE, 'centre', '2028-01-01', tables)).toMatchObject({
      priceEur: 50,
      centreShareEur: 38,
      pixShareEur: 12,
      tariffVersion: '2028-01',
    });
    // PRI-4 kept its own amount in the later tariff.
    expect(priceOf(FREE, 'network-b-member', '2028-06-01', tables).pixShareEur).toBe(9);
  });

  it('AGR-6: no tariff before the first one', () => {
    expect(() => priceTableFor('2019-12-31', PRICE_TABLES)).toThrow(/No tariff in force on 2019-12-31/);
    expect(priceTableFor('2020-01-01', PRICE_TABLES).version).toBe('2020-01');
  });

  it('a tariff file writes no amount itself and overrides only existing parameters', () => {
    const withLiteral = copy();
    (withLiteral.billingModes as Record<string, Record<string, unknown>>)['free-candidate'].price = 45;
    expect(() => loadPriceTable(withLiteral, 'literal')).toThrow(/billingModes.free-candidate.price/);
    expect(() => loadPriceTable({ ...copy(), parameters: { prices: { pixShare: 12 } } }, 'typo')).toThrow(RuleFileError);
    const noMode = copy();
    delete (noMode.billingModes as Record<string, unknown>)['free-of-charge'];
    expect(() => loadPriceTable(noMode, 'missing')).toThrow(/billingModes.free-of-charge: missing/);
  });
});
