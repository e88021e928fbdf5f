import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementStateQuery, statementWorkflowId } from '../../src/billing/workflows/definitions';
import { addDays, isoDate, parseIsoDate } from '../../src/shared/domain/dates';
import { dateIn } from '../../src/shared/domain/zoned-time';
import { agrementStart, insertOrganisation, runningAgrement } from '../support/agrement-fixtures';
import { check, cspViolations, launchBrowser, rendered, signIn } from '../support/browser';
import { createHarness, serveApi, type Harness } from '../support/harness';
import { requestJson } from '../support/http';
import { sessionReport } from '../support/session-fixtures';
import { until } from '../support/waiting';

/**
 * Issue 14, the screens "Sessions" (SES-10: operations filter the sessions, open one and read its verdicts and its
 * 48-hour finalisation deadline) and "Relevés" (BIL-1: a statement not sent by the 5th), in headless Chromium against
 * the real API, workflows and database. The run's database holds other files' rows: every assertion names this file's own.
 */
let h: Harness;
let app: INestApplication;
let api: string;
let browser: Browser;
let centre: Awaited<ReturnType<typeof runningAgrement>>;
let statementId: string;
const tag = randomUUID().slice(0, 6);
const sessionId = `S-${tag}`;
const daysAgo = (n: number) => isoDate(addDays(parseIsoDate(dateIn(new Date(), 'Europe/Paris')), -n));

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h));
  centre = await runningAgrement(h, daysAgo(90), 'centre', { name: `Centre Sessions ${tag}`, department: '69' });
  // SES-10: a session held 5 days ago, still planned: its 48-hour finalisation deadline has passed.
  const reported = await requestJson(`${api}/sessions`, 'POST', {
    token: await h.tokenFor('operations'),
    body: sessionReport(centre.organisationId, { id: sessionId, date: daysAgo(5), plannedOn: daysAgo(30) }, 3),
  });
  expect(reported.status, JSON.stringify(reported.body)).toBe(201);

  // BIL-1: a centre's statement of October 2026, started on the real clock, so already past its 5th.
  const start = agrementStart('2026-01-05', { organisationName: `Centre Relevé ${tag}` });
  await insertOrganisation(h.db, start);
  await h.db.query(
    `INSERT INTO sessions (id, organisation_id, agrement_organisation_id, centre_kind, date, start_time, end_time, time_zone, status, deadline_at,
                           candidate_count, candidates_who_sat, price_cents, pix_share_cents, paying_candidates, rule_set_id, report, content_hash, source, finalised_at)
     VALUES ($1, $2, $2, 'centre', '2026-10-14', '14:00', '16:00', 'Europe/Paris', 'finalised', '2026-10-16T14:00:00Z', 2, 2, 9000, 2000, 2, 'sessions@2020-01', '{}', 'h', 'api', '2026-10-14T18:00:00Z')`,
    [`ST-${tag}`, start.organisationId],
  );
  const handle = await h.client.workflow.start('statementWorkflow', {
    workflowId: statementWorkflowId(start.organisationId, '2026-10'),
    taskQueue: h.taskQueue,
    args: [{ organisationId: start.organisationId, month: '2026-10' }],
  });
  statementId = (
    await until(
      () => handle.query(statementStateQuery),
      (s) => s.statementId !== null,
    )
  ).statementId!;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await h?.close();
});

describe('Sessions, Relevés (issue 14)', () => {
  it('SES-10: operations filter the sessions past their finalisation deadline, open one and read its verdicts and deadline', async () => {
    const page = await (await browser.newContext()).newPage();
    const refused = cspViolations(page);
    await signIn(page, api, await h.tokenFor('operations'));
    await page.click('nav a[href="#/sessions"] >> nth=0');
    await page.waitForSelector('h1:has-text("Sessions")');
    await rendered(page, '#/sessions');
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
    const page = await (await browser.newContext()).newPage();
    const refused = cspViolations(page);
    await signIn(page, api, await h.tokenFor('operations'));
    await page.click('nav a[href="#/releves"] >> nth=0');
    await page.waitForSelector('h1:has-text("Relevés")');
    await rendered(page, '#/releves');
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
