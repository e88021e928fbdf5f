import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, isoDate, parseIsoDate } from '../../src/shared/domain/dates';
import { dateIn } from '../../src/shared/domain/zoned-time';
import ses2027 from '../fixtures/rules/ses-2027-01.rules.json';
import { runningAgrement } from '../support/agrement-fixtures';
import { check, cspViolations, launchBrowser, rendered, signIn } from '../support/browser';
import { createHarness, serveApi, type Harness } from '../support/harness';
import { requestJson } from '../support/http';
import { sessionReport } from '../support/session-fixtures';
import { until } from '../support/waiting';

/**
 * Issue 14, the screens "Journal" (the audit log and its chain's verification, issue 12), "Imports" (SES-1: a file of
 * sessions, its progress, its refused lines) and "Règles" (AGR-5, AGR-6: the versions in force and upcoming, a
 * draft's impact), in headless Chromium against the real API, workflows and database. The run's database holds other
 * files' rows: every wait and assertion names this file's own.
 */
let h: Harness;
let app: INestApplication;
let api: string;
let browser: Browser;
const tag = randomUUID().slice(0, 6);
const daysAgo = (n: number) => isoDate(addDays(parseIsoDate(dateIn(new Date(), 'Europe/Paris')), -n));
// A draft of its own takes effect in a year of its own, far from other files' sessions.
const Y = 2100 + Math.floor(Math.random() * 90);

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await h?.close();
});

async function newPage(role: 'operations' | 'legal' | 'read-only'): Promise<{ page: Page; refused: string[] }> {
  const page = await (await browser.newContext()).newPage();
  const refused = cspViolations(page);
  await signIn(page, api, await h.tokenFor(role));
  return { page, refused };
}

describe('Journal, Imports, Règles (issue 14)', () => {
  it('issue 12 the Journal shows an action just taken (SUS-1, filtered by its subject) and the chain verified', async () => {
    const running = await runningAgrement(h, daysAgo(60), 'centre', { name: `Centre Journal ${tag}` });
    const agrementId = running.start.agrementId;
    const legal = await h.tokenFor('legal');
    const reason = `Fraude établie ${tag}`;
    const suspended = await requestJson(`${api}/agrements/${agrementId}/actions/suspend`, 'POST', { token: legal, body: { reason } });
    expect(suspended.status, suspended.text).toBe(200);
    // The suspension is in the log once the agrément's workflow has recorded it.
    await until(
      () => requestJson(`${api}/audit/log?streamId=${agrementId}&type=suspended`, 'GET', { token: legal }),
      (res) => res.body.total === 1,
    );

    const { page, refused } = await newPage('legal');
    await page.click('nav a[href="#/journal"] >> nth=0');
    await page.waitForSelector('h1:has-text("Journal")');
    await rendered(page, '#/journal');
    await page.waitForSelector('#chain-status[data-valid="true"]');
    expect(await page.textContent('#chain-status')).toMatch(/Chaîne du journal vérifiée.*\d[\d\s\u202f]* entrées contrôlées/);
    await check(page, 'journal-1-verified');

    await page.fill('#journal-filters input[name=sujet]', agrementId);
    await page.selectOption('#journal-filters select[name=flux]', 'agrement');
    await page.click('#journal-filters button[type=submit]');
    await rendered(page, `sujet=${agrementId}`, 'flux=agrement');
    const row = page.locator(`#journal tr:has-text("${reason}")`);
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain('Suspension');
    expect(text).toContain('SUS-1');
    expect(text).toContain('(Service juridique)');
    expect(text).toContain('actif → suspendu');
    // Every entry of this agrément, newest first: the suspension leads.
    expect(await page.locator('#journal tbody tr').first().textContent()).toContain(reason);
    await check(page, 'journal-2-filtered');
    // The subject leads to its screen: the agrément's centre.
    await row.locator(`a[href="#/centres/${agrementId}"]`).click();
    await page.waitForSelector(`h1:has-text("Centre Journal ${tag}")`);
    expect(refused).toEqual([]);
    await page.context().close();
  });

  it('issue 12 read-only reads the Journal without the verification (log.verify)', async () => {
    const { page } = await newPage('read-only');
    await page.goto(`${api}/#/journal?regle=SUS-1`);
    await rendered(page, '#/journal', 'regle=SUS-1');
    expect(await page.textContent('#chain-status')).toContain('réservée aux opérations et au service juridique');
    expect(await page.locator('nav a[href="#/imports"]').count()).toBe(0);
    await page.context().close();
  });

  it('SES-1 an import with one bad line shows its progress to completion, then the refused line with its reason', async () => {
    const c = await runningAgrement(h, daysAgo(60), 'centre', { name: `Centre Import ${tag}` });
    const good = (n: number) => sessionReport(c.organisationId, { id: `${tag}-IMP-${n}` });
    const bad = { ...good(2), public: 'everyone' };
    const file = [good(1), bad, good(3)].map((s) => JSON.stringify(s)).join('\n') + '\n';
    const fileName = `sessions-${tag}.ndjson`;

    const { page, refused } = await newPage('operations');
    await page.click('nav a[href="#/imports"] >> nth=0');
    await page.waitForSelector('h1:has-text("Imports de sessions")');
    await rendered(page, '#/imports');
    await check(page, 'imports-1-form');

    await page.setInputFiles('#import-upload input[name=file]', {
      name: fileName,
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(file),
    });
    await page.click('#import-upload button[type=submit]');
    await rendered(page, '#/imports', 'import=');
    // The page polls the job while it runs: it ends completed, its bar full.
    const job = page.locator('#import-job[data-status="completed"]');
    await job.waitFor({ timeout: 60_000 });
    expect(await page.getAttribute('#import-progress', 'value')).toBe('100');
    expect(await page.textContent('#import-job label[for=import-progress]')).toContain('terminé (100 %)');
    expect(await page.textContent('#import-outcome')).toBe('3 sessions lues · 2 créées · 0 mise à jour · 0 inchangée · 1 refusée');
    // The refused line: its number, its session, the field at fault and why.
    await page.waitForSelector('#import-errors');
    expect(await page.textContent('#import-errors-count')).toBe('1 session refusée');
    const line = page.locator('#import-errors tbody tr');
    expect(await line.count()).toBe(1);
    const cells = await line.locator('td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['2', `${tag}-IMP-2`, 'public']);
    expect(cells[4]).toMatch(/public/);
    // The import is listed among the past ones, completed.
    const listed = page.locator(`#imports tr:has-text("${fileName}")`);
    await listed.locator('[data-import-status="completed"]').waitFor();
    await check(page, 'imports-2-done');

    // A file of another format is refused before any upload, the page says why.
    await page.setInputFiles('#import-upload input[name=file]', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
    await page.click('#import-upload button[type=submit]');
    expect(await page.locator('#import-failure').textContent()).toContain('CSV (.csv), NDJSON');
    expect(refused).toEqual([]);
    await page.context().close();
  });

  it('AGR-6 the rules screen shows the versions in force and upcoming, and a draft’s impact on planned sessions', async () => {
    const ops = await h.tokenFor('operations');
    // An agrément whose term lies after year Y (SES-9 judges a session against the agrément on its date, AGR-4).
    const c = await runningAgrement(h, `${Y - 1}-06-01`, 'centre', { name: `Centre Règles ${tag}` });
    const { effectiveFrom: _e, ...rules } = structuredClone(ses2027) as Record<string, unknown>;
    const draft = await requestJson(`${api}/rule-set-versions`, 'POST', {
      token: ops,
      body: {
        rules: { ...rules, version: `${Y}-05` },
        effectiveFrom: `${Y}-05-01`,
        substantial: true,
        summary: `Au plus 15 candidats par surveillant (${tag}).`,
      },
    });
    expect(draft.status, draft.text).toBe(201);
    // 16 candidates for one invigilator: accepted by the cahier in force (20), refused by the draft (15, SES-2).
    const sixteen = sessionReport(c.organisationId, { id: `${tag}-R16`, date: `${Y}-05-10` }, 16);
    const posted = await requestJson(`${api}/sessions`, 'POST', { token: ops, body: sixteen });
    expect(posted.status, posted.text).toBe(201);

    const { page, refused } = await newPage('operations');
    await page.click('nav a[href="#/regles"] >> nth=0');
    await page.waitForSelector('h1:has-text("Règles de session")');
    await rendered(page, '#/regles');
    // The cahier in force today, with its period.
    expect(await page.locator('#rule-sets tbody tr:has-text("en vigueur")').count()).toBe(1);
    const link = page.locator(`#rule-set-versions a[data-version="${draft.body.id}"]`);
    expect(await link.textContent()).toBe(`sessions@${Y}-05`);
    expect(await page.locator(`#rule-set-versions tr:has-text("${tag}")`).textContent()).toContain('brouillon');
    await check(page, 'rules-1-versions');

    await link.click();
    await page.waitForSelector(`h1:has-text("sessions@${Y}-05")`);
    await rendered(page, `#/regles/${draft.body.id}`);
    expect(await page.textContent('#version-summary [data-status]')).toBe('brouillon');
    const impact = page.locator(`#impact tr:has([data-session="${tag}-R16"])`);
    await impact.waitFor();
    const said = await impact.textContent();
    expect(said).toContain(`Centre Règles ${tag}`);
    expect(said).toContain('SES-2');
    expect(said).toContain('constaté : 16 · exigé : 15');
    expect(await page.textContent('#impact-summary')).toMatch(/serai(en)?t? refusées? par cette version/);
    // AGR-5: operations may publish a draft; asking shows what it does before confirming.
    await page.click('#publish');
    expect(await page.textContent('#publish-warning')).toContain('au moins un mois après la publication');
    await check(page, 'rules-2-impact');

    // AGR-5: a version taking effect in less than a month is refused; the page says so, naming the rule.
    const soon = await requestJson(`${api}/rule-set-versions`, 'POST', {
      token: ops,
      body: {
        rules: { ...rules, version: `${Y}-06` },
        effectiveFrom: isoDate(addDays(parseIsoDate(daysAgo(0)), 10)),
        substantial: true,
        summary: `Changement trop proche (${tag}).`,
      },
    });
    expect(soon.status, soon.text).toBe(201);
    await page.goto(`${api}/#/regles/${soon.body.id}`);
    await rendered(page, `#/regles/${soon.body.id}`);
    await page.click('#publish');
    await page.click('#publish-confirm');
    const error = page.locator('#version-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Refusé par la règle AGR-5');
    expect(await page.textContent('#version-summary [data-status]')).toBe('brouillon');
    await check(page, 'rules-3-publish-refused');
    expect(refused).toEqual([]);
    await page.context().close();
  });
});
