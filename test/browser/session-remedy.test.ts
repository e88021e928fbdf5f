import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, isoDate, parseIsoDate } from '../../src/shared/domain/dates';
import { dateIn } from '../../src/shared/domain/zoned-time';
import { runningAgrement } from '../support/agrement-fixtures';
import { check, rendered, signedInPage, useBrowser } from '../support/browser';
import { reportedSessionFixture } from '../support/fixtures';
import { type Harness, useApi } from '../support/harness';
import { requestJson } from '../support/http';
import { until } from '../support/waiting';

/**
 * Issue 14, the screen of one session (SES-12): operations record the remedy owed to the candidates of an incident
 * attributable to the centre, through the page's form, in headless Chromium against the real API, workflows and
 * database. The session is this file's own (its id carries the file's tag).
 */
let h: Harness;
let api: string;
let browser: Browser;
let ops: string;
const tag = randomUUID().slice(0, 6);
const sessionId = `SR-${tag}`;
const daysAgo = (n: number) => isoDate(addDays(parseIsoDate(dateIn(new Date(), 'Europe/Paris')), -n));

useApi((s) => ({ h, api, ops } = s));
beforeAll(async () => {
  const centre = await runningAgrement(h, daysAgo(30), 'centre', { name: `Centre Réparation ${tag}`, department: '69' });
  // SES-12: a session held yesterday, finalised with an incident attributable to the centre (candidate c3) and one that is not (c5).
  await reportedSessionFixture(api, ops, centre.organisationId, { id: sessionId, date: daysAgo(1), plannedOn: daysAgo(20) }, 6);
  const finalised = await requestJson(`${api}/sessions/${sessionId}/finalise`, 'POST', {
    token: ops,
    body: {
      candidatesWhoSat: 6,
      incidents: [
        { candidateLocalId: 'c3', description: 'Poste informatique en panne', attributableToCentre: true },
        { candidateLocalId: 'c5', description: 'Malaise du candidat', attributableToCentre: false },
      ],
    },
  });
  expect(finalised.status, JSON.stringify(finalised.body)).toBe(200);
  await until(
    async () => (await requestJson(`${api}/sessions/${sessionId}`, 'GET', { token: ops })).body.remedy,
    (r) => r?.state === 'awaiting',
  );
});
useBrowser((b) => (browser = b));

describe('Session: the remedy form (issue 14, SES-12)', () => {
  it('SES-12 operations are refused a candidate the incident did not concern, then record a full refund for the one it did', async () => {
    const { page, refused } = await signedInPage(browser, api, ops);
    await page.goto(`${api}/#/sessions/${sessionId}`);
    await rendered(page, `#/sessions/${sessionId}`);
    expect(await page.textContent('#remedy')).toContain('Poste informatique en panne');
    expect(await page.getAttribute('#remedy [data-remedy-state]', 'data-remedy-state')).toBe('awaiting');
    const form = page.locator('#decision-remedy');
    // The candidates concerned are proposed.
    expect(await form.locator('input[name=candidateLocalIds]').inputValue()).toBe('c3');
    await check(page, 'session-remedy-1-owed');

    // A candidate the incident did not concern: the API's 400 names the field, shown on the page; nothing is recorded.
    await form.locator('input[name=candidateLocalIds]').fill('c5');
    await form.locator('button[type=submit]').click();
    await form.locator('.fr-alert:has-text("candidateLocalIds")').waitFor();
    expect((await requestJson(`${api}/sessions/${sessionId}`, 'GET', { token: ops })).body.remedy).toMatchObject({
      state: 'awaiting',
      remedy: null,
    });
    await check(page, 'session-remedy-2-refused');

    // The DSFR label covers its radio button: a person clicks the label.
    await form.locator('label:has-text("remboursement intégral")').click();
    expect(await form.locator('input[name=kind][value=refund]').isChecked()).toBe(true);
    await form.locator('input[name=candidateLocalIds]').fill('c3');
    await form.locator('textarea[name=note]').fill('Remboursement de 90 € par virement');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('#remedy [data-remedy-state=remedied]');
    expect(await page.textContent('#remedy')).toContain('remboursement intégral enregistré le');
    expect(await page.textContent('#remedy')).toContain('Remboursement de 90 € par virement');
    expect(await page.locator('#decision-remedy').count()).toBe(0);
    await check(page, 'session-remedy-3-recorded');

    const stored = await requestJson(`${api}/sessions/${sessionId}`, 'GET', { token: ops });
    expect(stored.body.remedy).toMatchObject({
      state: 'remedied',
      remedy: { kind: 'refund', candidateLocalIds: ['c3'], note: 'Remboursement de 90 € par virement' },
    });
    expect(refused).toEqual([]);
    await page.context().close();
  });
});
