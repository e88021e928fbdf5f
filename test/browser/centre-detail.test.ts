import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, isoDate, parseIsoDate } from '../../src/shared/domain/dates';
import { frenchDate } from '../../src/shared/domain/french-dates';
import { dateIn } from '../../src/shared/domain/zoned-time';
import { OrganisationEntity } from '../../src/entities';
import { runningAgrement } from '../support/agrement-fixtures';
import { finalisedSessionFixture, receiveUniversityApplication } from '../support/fixtures';
import { check, rendered, signedInPage, useBrowser } from '../support/browser';
import { type Harness, useApi } from '../support/harness';
import { requestJson } from '../support/http';

/**
 * Issue 14, one centre as operations see it: its control visits and findings (VIS-4), quality record, statements
 * (BIL-1), and the what-if on its real state (issue 10 §3: "if we send the breach-notice letter today…") drawn as a
 * dated timeline; the overview's applications pipeline leads to the filtered applications list. Headless Chromium
 * against the real API, workflows and database.
 */
let h: Harness;
let api: string;
let browser: Browser;
let token: string;
let agrementId: string;
const name = `Centre Détail ${randomUUID().slice(0, 8)}`;
const today = () => dateIn(new Date(), 'Europe/Paris');
const plusDays = (day: string, n: number) => isoDate(addDays(parseIsoDate(day), n));
const post = async (path: string, body: unknown) => {
  const res = await requestJson(`${api}${path}`, 'POST', { token, body });
  expect(res.status, res.text).toBeLessThan(300);
  return res.body;
};

useApi((s) => ({ h, api, ops: token } = s));
beforeAll(async () => {
  const started = await runningAgrement(h, plusDays(today(), -60), 'centre', { name });
  agrementId = started.start.agrementId;
  const organisationId = started.organisationId;

  // VIS-2: an announced visit, its letter sent a week before, held yesterday; operations record its findings (VIS-4).
  const inspectorId = randomUUID();
  await h.db.query(
    `INSERT INTO inspectors (id, name, email, kind, organisation_id, network_id, departments, available_from, available_to, capacity)
     VALUES ($1, 'Dominique Contrôle', $2, 'pix-staff', NULL, NULL, '{69}', $3, $4, 5)`,
    [inspectorId, `controle-${inspectorId.slice(0, 8)}@pix.test`, plusDays(today(), -30), plusDays(today(), 30)],
  );
  const visitId = randomUUID();
  await h.db.query(
    `INSERT INTO control_visits (id, organisation_id, agrement_id, inspector_id, kind, planned_on, letter_sent_by, cost_eur)
     VALUES ($1, $2, $2, $3, 'announced', $4, $5, 120)`,
    [visitId, organisationId, inspectorId, plusDays(today(), -1), plusDays(today(), -8)],
  );
  await post(`/control-visits/${visitId}/findings`, {
    checklist: {
      premises: { result: 'ko', notes: 'Salle sans surveillance visuelle des écrans' },
      connectionAndEquipment: { result: 'ok' },
      staffing: { result: 'ok' },
      sessionOrganisation: { result: 'ok' },
    },
    summary: 'Disposition de la salle à revoir',
  });
  // The quality record: a complaint received today (SES-13).
  await post(`/centres/${organisationId}/quality-events`, {
    kind: 'complaint',
    occurredOn: today(),
    summary: 'Réclamation d’un candidat sur la surveillance',
  });
  // BIL-1: last month's statement, from one paying session finalised then, prepared by its workflow.
  const month = isoDate(addMonths(parseIsoDate(`${today().slice(0, 7)}-01`), -1)).slice(0, 7);
  await finalisedSessionFixture(h, { id: `SD-${organisationId.slice(0, 8)}`, organisationId, date: `${month}-14` });
  // APP-1: an application received, so that the pipeline has at least one bar.
  await receiveUniversityApplication(api, token, `Université Pipeline ${randomUUID().slice(0, 8)}`);
});
useBrowser((b) => (browser = b));

describe('one centre and the overview, as operations (issue 14)', () => {
  it('the overview’s applications pipeline: a click on a bar lists the applications in that state', async () => {
    const { page, refused } = await signedInPage(browser, api, token);
    const figure = page.locator('figure', { has: page.locator('canvas#chart-applications') });
    await figure.waitFor();
    // Its text alternative: the same counts as a table, each state a link to its list.
    const links = figure.locator('details table a');
    expect(await links.count()).toBeGreaterThan(0);
    const last = (await links.last().getAttribute('href'))!;
    expect(last).toMatch(/^#\/demandes\?etat=[a-z-]+$/);
    await check(page, 'centre-detail-1-overview');
    // A click in the last bar's column, halfway up (the chart reads the column, not only the bar: a short bar is as easy to reach).
    const canvas = page.locator('canvas#chart-applications');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + box.width * (1 - 0.5 / (await links.count())), box.y + box.height / 2);
    await rendered(page, last.slice(1));
    expect(page.url()).toContain(last);
    await page.waitForSelector('h1:has-text("Demandes")');
    await check(page, 'centre-detail-2-applications-filtered');
    expect(refused).toEqual([]);
    await page.context().close();
  });

  it('VIS-4 BIL-1 BRE-1 BRE-2: the centre shows its visit and findings, quality record and statement; a what-if draws its dated timeline and nothing real changes', async () => {
    const { page, refused } = await signedInPage(browser, api, token);
    await page.goto(`${api}/#/centres/${agrementId}`);
    await page.waitForSelector(`h1:has-text("${name}")`);
    await rendered(page, `#/centres/${agrementId}`);
    expect(await page.textContent('h2#visits-title')).toBe('Visites de contrôle (1 visite)');
    const visit = page.locator('#visits tbody tr');
    expect(await visit.count()).toBe(1);
    expect(await visit.textContent()).toContain('Non conforme : Conformité des locaux');
    expect(await visit.textContent()).toContain('Disposition de la salle à revoir');
    expect(await visit.locator('[data-visit-status="done"]').textContent()).toBe('effectuée');
    expect(await page.textContent('h2#quality-title')).toBe('Suivi qualité (1 signalement)');
    expect(await page.textContent('#quality')).toContain('Réclamation d’un candidat sur la surveillance');
    expect(await page.textContent('h2#statements-title')).toBe('Relevés mensuels (1 relevé)');
    expect(await page.locator('#statements [data-statement-state="prepared"]').textContent()).toBe('préparé');
    await check(page, 'centre-detail-3-centre');

    // The what-if: the breach-notice letter sent today (the form's first event, dated today), three months ahead.
    await page.waitForSelector('#what-if >> text=rien n’est enregistré');
    expect(await page.inputValue('#what-if-form select[name=type-0]')).toBe('breach.notified');
    expect(await page.inputValue('#what-if-form input[name=on-0]')).toBe(today());
    await page.click('#what-if-run');
    const cure = page.locator('#what-if-timeline li[data-kind="deadline"][data-name="cure-due"]');
    // The simulation runs the agrément's workflow on a simulated clock: a few seconds.
    await cure.waitFor({ timeout: 90_000 });
    // BRE-2: the cure is due 30 days after the letter; BRE-1 puts the centre under notice today.
    expect(await cure.locator('time').getAttribute('datetime')).toBe(plusDays(today(), 30));
    expect(await cure.locator('time').textContent()).toBe(frenchDate(plusDays(today(), 30)));
    expect(await cure.textContent()).toContain('Fin du délai de mise en demeure');
    const notice = page.locator('#what-if-timeline li[data-kind="state"][data-name="under-notice"]');
    expect(await notice.locator('time').getAttribute('datetime')).toBe(today());
    expect(await notice.textContent()).toContain('L’agrément devient mis en demeure');
    // Sorted by date, every step with its French date.
    const dates = await page.locator('#what-if-timeline li time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime') ?? ''));
    expect(dates).toEqual([...dates].sort());
    await check(page, 'centre-detail-4-what-if');

    // Nothing real changed: the agrément is still active, as the API says and the page shows after a reload.
    const real = await requestJson(`${api}/agrements/${agrementId}`, 'GET', { token });
    expect(real.body.state).toBe('active');
    await page.reload();
    await rendered(page, `#/centres/${agrementId}`);
    expect(await page.textContent('[data-state]')).toBe('actif');
    expect(await page.locator('#what-if-timeline').count()).toBe(0);
    expect(refused).toEqual([]);
    await page.context().close();
  });

  it('ELIG-4 QUO-1: a network’s page lists its member centres', async () => {
    const network = await runningAgrement(h, plusDays(today(), -30), 'network', { name: `Réseau Détail ${randomUUID().slice(0, 8)}` });
    const memberName = `Centre membre ${randomUUID().slice(0, 8)}`;
    // A member centre as the application procedure registers it (DOC-3: the network's member list).
    await h.db.getRepository(OrganisationEntity).insert({
      id: randomUUID(),
      name: memberName,
      category: 'datadock-training-provider',
      uai: null,
      department: '38',
      foreign: false,
      email: `membre-${randomUUID().slice(0, 8)}@test.fr`,
      networkId: network.organisationId,
    });
    const { page, refused } = await signedInPage(browser, api, token);
    await page.goto(`${api}/#/centres/${network.start.agrementId}`);
    await rendered(page, `#/centres/${network.start.agrementId}`);
    expect(await page.textContent('h2#members-title')).toBe('Membres du réseau (1 centre)');
    expect(await page.textContent('#members tbody')).toContain(memberName);
    await check(page, 'centre-detail-5-network');
    expect(refused).toEqual([]);
    await page.context().close();
  });
});
