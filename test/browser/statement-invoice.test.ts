import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { frenchDate } from '../../src/shared/domain/french-dates';
import { agrementStart, insertOrganisation } from '../support/agrement-fixtures';
import { check, openFromNav, rendered, signedInPage, useBrowser } from '../support/browser';
import { finalisedSessionFixture } from '../support/fixtures';
import { type Harness, useApi } from '../support/harness';
import { requestJson } from '../support/http';
import { until } from '../support/waiting';

/**
 * Issue 14, the screen "Relevés" (BIL-2): operations record Pix's invoice of a statement the centre sent, then its
 * payment, through the page's forms, in headless Chromium against the real API, workflows and database. The
 * statement is of June 2025, a month no other file uses; every assertion names this file's own statement.
 */
let h: Harness;
let api: string;
let browser: Browser;
let ops: string;
let statementId: string;
const tag = randomUUID().slice(0, 6);
const MONTH = '2025-06';
const CENTRE = `Centre Facturé ${tag}`;

useApi((s) => ({ h, api, ops } = s));
beforeAll(async () => {
  // BIL-1: a centre's statement of June 2025 with one finalised session, as the sessions test of this screen sets it up.
  const start = agrementStart('2025-01-06', { organisationName: CENTRE });
  await insertOrganisation(h.db, start);
  statementId = await finalisedSessionFixture(h, { id: `SF-${tag}`, organisationId: start.organisationId, date: `${MONTH}-12` });
  // BIL-1: the centre sent it (through the API): Pix may now invoice it.
  const sent = await requestJson(`${api}/statements/${statementId}/sent`, 'POST', {
    token: ops,
    headers: { 'Idempotency-Key': randomUUID() },
  });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  await until(
    async () => (await requestJson(`${api}/statements/${statementId}`, 'GET', { token: ops })).body,
    (s) => s.state === 'sent',
  );
});
useBrowser((b) => (browser = b));

describe('Relevés: invoice and payment (issue 14, BIL-2)', () => {
  it('BIL-2 operations invoice a sent statement, are refused a payment dated before the invoice, then record the payment', async () => {
    const { page, refused } = await signedInPage(browser, api, ops);
    await openFromNav(page, '#/releves', 'Relevés');

    await page.fill('#filters input[name=mois]', MONTH);
    await page.click('#filters button[type=submit]');
    await rendered(page, `mois=${MONTH}`);
    const row = page.locator('#statements tbody tr', { hasText: CENTRE });
    await row.waitFor();
    expect(await row.locator('[data-state]').textContent()).toBe('envoyé');
    const invoice = page.locator(`#decision-invoice-${statementId}`);
    expect(await invoice.locator('h3').textContent()).toBe(`Facturer : ${CENTRE}, juin 2025`);
    await check(page, 'statement-invoice-1-sent');

    // The invoice: its date and amount (the Pix share incl. VAT is proposed).
    await invoice.locator('input[name=issuedOn]').fill('2025-07-03');
    await invoice.locator('input[name=amountEur]').fill('24');
    await invoice.locator('button[type=submit]').click();
    await row.locator('[data-state=invoiced]').waitFor();
    const invoiced = await requestJson(`${api}/statements/${statementId}`, 'GET', { token: ops });
    expect(invoiced.body).toMatchObject({ state: 'invoiced', invoice: { issuedOn: '2025-07-03', amountEur: 24, paidOn: null } });
    expect(await row.textContent()).toContain(`le 3 juillet 2025, à payer avant le ${frenchDate(invoiced.body.invoice.dueOn)}`);
    const payment = page.locator(`#decision-payment-${statementId}`);
    await payment.waitFor();
    expect(await invoice.count()).toBe(0);
    await check(page, 'statement-invoice-2-invoiced');

    // A payment before the invoice is refused, the rule named on the page; nothing is recorded.
    await payment.locator('input[name=paidOn]').fill('2025-07-01');
    await payment.locator('button[type=submit]').click();
    await payment.locator('.fr-alert:has-text("BIL-2")').waitFor();
    expect((await requestJson(`${api}/statements/${statementId}`, 'GET', { token: ops })).body.state).toBe('invoiced');
    await check(page, 'statement-invoice-3-refused');

    await payment.locator('input[name=paidOn]').fill('2025-07-20');
    await payment.locator('button[type=submit]').click();
    await row.locator('[data-state=paid]').waitFor();
    expect(await row.textContent()).toContain('le 3 juillet 2025, payée le 20 juillet 2025');
    expect(await page.locator(`#decision-payment-${statementId}`).count()).toBe(0);
    await check(page, 'statement-invoice-4-paid');

    const stored = await requestJson(`${api}/statements/${statementId}`, 'GET', { token: ops });
    expect(stored.body).toMatchObject({ state: 'paid', invoice: { issuedOn: '2025-07-03', amountEur: 24, paidOn: '2025-07-20' } });
    expect(refused).toEqual([]);
    await page.context().close();
  });
});
