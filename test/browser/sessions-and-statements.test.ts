import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, isoDate, parseIsoDate } from '../../src/shared/domain/dates';
import { dateIn } from '../../src/shared/domain/zoned-time';
import { agrementStart, insertOrganisation, runningAgrement } from '../support/agrement-fixtures';
import { check, openFromNav, rendered, signedInPage, useBrowser } from '../support/browser';
import { finalisedSessionFixture, reportedSessionFixture } from '../support/fixtures';
import { type Harness, useApi } from '../support/harness';

/**
 * Issue 14, the screens "Sessions" (SES-10: operations filter the sessions, open one and read its verdicts and its
 * 48-hour finalisation deadline) and "Relevés" (BIL-1: a statement not sent by the 5th), in headless Chromium against
 * the real API, workflows and database. The run's database holds other files' rows: every assertion names this file's own.
 */
let h: Harness;
let api: string;
let ops: string;
let browser: Browser;
let centre: Awaited<ReturnType<typeof runningAgrement>>;
let statementId: string;
const tag = randomUUID().slice(0, 6);
const sessionId = `S-${tag}`;
const daysAgo = (n: number) => isoDate(addDays(parseIsoDate(dateIn(new Date(), 'Europe/Paris')), -n));

useApi((s) => ({ h, api, ops } = s));
beforeAll(async () => {
  centre = await runningAgrement(h, daysAgo(90), 'centre', { name: `Centre Sessions ${tag}`, department: '69' });
  // SES-10: a session held 5 days ago, still planned: its 48-hour finalisation deadline has passed.
  await reportedSessionFixture(api, ops, centre.organisationId, { id: sessionId, date: daysAgo(5), plannedOn: daysAgo(30) }, 3);

  // BIL-1: a centre's statement of October 2026, started on the real clock, so already past its 5th.
  const start = agrementStart('2026-01-05', { organisationName: `Centre Relevé ${tag}` });
  await insertOrganisation(h.db, start);
  statementId = await finalisedSessionFixture(h, { id: `ST-${tag}`, organisationId: start.organisationId, date: '2026-10-14' });
});
useBrowser((b) => (browser = b));

describe('Sessions, Relevés (issue 14)', () => {
  it('SES-10: operations filter the sessions past their finalisation deadline, open one and read its verdicts and deadline', async () => {
    const { page, refused } = await signedInPage(browser, api, ops);
    await openFromNav(page, '#/sessions', 'Sessions');
    await check(page, 'sessions-1-list');

    await page.fill('#filters input[name=centre]', `sessions ${tag}`);
    await page.click('#filters label:has-text("Finalisation en retard")'); // the DSFR label covers its input
    await page.click('#filters button[type=submit]');
    await rendered(page, 'retard=oui', `centre=sessions`);
    const link = page.locator(`#sessions a[href="#/sessions/${sessionId}"]`);
    await link.waitFor();
    expect(await page.locator('#sessions tbody tr').count()).toBe(1);
    expect(await page.locator('#sessions [data-overdue]').getAttribute('data-overdue')).toBe('true');
    expect(await page.locator('#sessions [data-overdue]').textContent()).toMatch(
      /^en retard depuis le \d{1,2}(er)?\s\S+\s\d{4}\sà\s\d{1,2}\sh(\s\d{2})?$/,
    );
    await check(page, 'sessions-2-overdue');

    await link.click();
    await rendered(page, `#/sessions/${sessionId}`);
    expect(await page.textContent('#contenu h1')).toBe(`Session ${sessionId}`);
    expect(await page.textContent('#deadline')).toMatch(
      /Échéance\s:\s\d{1,2}(er)?\s\S+\s\d{4}\sà\s\d{1,2}\sh(\s\d{2})?\s\(heure de Paris\)/,
    );
    expect(await page.textContent('#deadline')).toContain('délai de 48 heures dépassé');
    // AGR-6: every rule's verdict, with its ID; the session was accepted, so all conform.
    const verdicts = await page.locator('#verdicts tbody tr').count();
    expect(verdicts).toBeGreaterThan(3);
    expect(await page.textContent('#verdicts')).toMatch(/SES-\d+/);
    expect(await page.locator('#verdicts [data-passed="false"]').count()).toBe(0);
    // The role may finalise or cancel a planned session.
    expect(await page.locator('#decision-finalise').count()).toBe(1);
    expect(await page.locator('#decision-cancel').count()).toBe(1);
    expect(await page.locator(`a[href="#/centres/${centre.start.agrementId}"]`).count()).toBe(1);
    await check(page, 'sessions-3-session');
    expect(refused).toEqual([]);
  });

  it('BIL-1: the statements not sent by the 5th, linked to their centre', async () => {
    const { page, refused } = await signedInPage(browser, api, ops);
    await openFromNav(page, '#/releves', 'Relevés');
    await check(page, 'statements-1-list');

    await page.fill('#filters input[name=mois]', '2026-10');
    await page.click('#filters label:has-text("Non envoyés à l’échéance")');
    await page.click('#filters button[type=submit]');
    await rendered(page, 'retard=oui', 'mois=2026-10');
    const row = page.locator('#statements tbody tr', { hasText: `Centre Relevé ${tag}` });
    await row.waitFor();
    expect(await row.locator('[data-state]').textContent()).toBe('à envoyer');
    expect(await row.locator('[data-overdue]').getAttribute('data-overdue')).toBe('true');
    expect(await row.textContent()).toContain('octobre 2026');
    expect(await page.locator(`#decision-sent-${statementId}`).count()).toBe(1);
    await check(page, 'statements-2-overdue');
    expect(refused).toEqual([]);
  });
});
