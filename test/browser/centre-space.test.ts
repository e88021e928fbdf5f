import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrganisationEntity } from '../../src/entities';
import { addDays, isoDate, parseIsoDate } from '../../src/shared/domain/dates';
import { dateIn } from '../../src/shared/domain/zoned-time';
import { runningAgrement } from '../support/agrement-fixtures';
import { check, cspViolations, launchBrowser, rendered, signIn } from '../support/browser';
import { createHarness, serveApi, type Harness } from '../support/harness';
import { suspensionLetter } from '../support/mail-fixtures';
import { plannedSession } from '../support/session-fixtures';

/**
 * Issue 14, the Espace centre: a centre signs in and finds its own agrément, deadlines, sessions to finalise (SES-10)
 * and the e-mails it was sent — never another centre's — and subscribes to its deadlines in its calendar. In headless
 * Chromium against the real API, workflows and database; the run's database holds other files' centres, so every
 * assertion names this file's own.
 */
let h: Harness;
let app: INestApplication;
let api: string;
let browser: Browser;
let mine: Awaited<ReturnType<typeof runningAgrement>>;
let neighbour: Awaited<ReturnType<typeof runningAgrement>>;
let network: Awaited<ReturnType<typeof runningAgrement>>;
const member = { id: randomUUID(), name: `Centre Membre ${randomUUID().slice(0, 6)}`, email: `membre-${randomUUID().slice(0, 8)}@test.fr` };
const tag = randomUUID().slice(0, 6);
const mySession = `S-mine-${tag}`;
const theirSession = `S-theirs-${tag}`;
const memberSession = `S-member-${tag}`;
const daysAgo = (n: number) => isoDate(addDays(parseIsoDate(dateIn(new Date(), 'Europe/Paris')), -n));

beforeAll(async () => {
  h = await createHarness();
  ({ app, url: api } = await serveApi(h));
  mine = await runningAgrement(h, daysAgo(60), 'centre', { name: `Centre Espace ${tag}` });
  neighbour = await runningAgrement(h, daysAgo(60), 'centre', { name: `Centre Voisin ${tag}` });
  // SES-10: a session held yesterday, to finalise within 48 hours of its end (still 20 hours to go), for each centre.
  const dueAt = new Date(Date.now() + 20 * 3_600_000);
  await plannedSession(h.db, mine.organisationId, mySession, dueAt, 'Europe/Paris');
  await plannedSession(h.db, neighbour.organisationId, theirSession, dueAt, 'Europe/Paris');
  await suspensionLetter(h.db, mine.start.email, mine.start.organisationName, 'centre', `Motif pour ${tag}`);
  await suspensionLetter(h.db, neighbour.start.email, neighbour.start.organisationName, 'centre', `Motif du voisin ${tag}`);
  // ELIG-4: a network, and a member centre under its agrément (as operations record a member joining).
  network = await runningAgrement(h, daysAgo(60), 'network', { name: `Réseau Espace ${tag}` });
  await h.db.getRepository(OrganisationEntity).insert({
    id: member.id,
    name: member.name,
    category: 'datadock-training-provider',
    uai: null,
    department: '35',
    foreign: false,
    email: member.email,
    networkId: network.organisationId,
  });
  await plannedSession(h.db, member.id, memberSession, dueAt, 'Europe/Paris');
  await suspensionLetter(h.db, member.email, member.name, 'centre', `Motif du membre ${tag}`);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await h?.close();
});

/** "S'abonner au calendrier": the feed's address, shown once. */
async function subscribe(page: Page): Promise<string> {
  await page.click('[data-calendar-link] button:has-text("S’abonner au calendrier")');
  const input = page.locator('#calendar-feed input[name=calendarUrl]');
  await input.waitFor();
  return input.inputValue();
}

async function feed(url: string) {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe('Espace centre (issue 14)', () => {
  it('a centre sees its own deadlines, sessions to finalise and e-mails, never another centre’s; it subscribes to its calendar', async () => {
    const page = await (await browser.newContext()).newPage();
    const refused = cspViolations(page);
    await signIn(page, api, await h.tokenFor('centre', mine.organisationId));

    await page.click('nav a[href="#/mon-centre"] >> nth=0');
    await page.waitForSelector('h1:has-text("Mon centre")');
    await rendered(page, '#/mon-centre');

    // Its agrément: state and the deadline ledger with outcomes (issue 10 §3).
    const agrement = page.locator(`section[data-agrement="${mine.start.agrementId}"]`);
    expect(await agrement.locator('[data-state]').first().textContent()).toBe('actif');
    expect(await agrement.locator(`#ledger-${mine.start.agrementId} tbody tr`).count()).toBeGreaterThan(0);
    expect(await page.locator('section[data-agrement]').count()).toBe(1);
    // SES-10: its session to finalise, with the 48-hour deadline; and that deadline among its deadlines.
    const row = page.locator('#to-finalise tbody tr', { hasText: mySession });
    expect(await row.count()).toBe(1);
    expect(await row.locator('[data-late]').getAttribute('data-late')).toBe('false');
    expect(await page.locator('#upcoming tbody tr', { hasText: 'Finalisation de session (48 h)' }).count()).toBeGreaterThan(0);
    // Its e-mail, opened to read its text.
    const email = page.locator('#emails details', { hasText: 'Suspension de votre agrément' });
    expect(await email.count()).toBe(1);
    await email.locator('summary').click();
    expect(await email.textContent()).toContain(`Motif pour ${tag}`);
    // Nothing of the neighbour's.
    const content = (await page.textContent('#contenu')) ?? '';
    for (const theirs of [theirSession, `Centre Voisin ${tag}`, `Motif du voisin ${tag}`, neighbour.start.email]) {
      expect(content).not.toContain(theirs);
    }
    await check(page, 'centre-space-1-mon-centre');

    // The calendar: a calendar-scoped token in the address, shown once; the address answers text/calendar with its own deadlines.
    const url = await subscribe(page);
    expect(url).toMatch(new RegExp(`^${api}/dashboard/deadlines\\.ics\\?token=pix_`));
    await check(page, 'centre-space-2-calendar');
    const ics = await feed(url);
    expect(ics.status).toBe(200);
    expect(ics.type).toBe('text/calendar; charset=utf-8');
    expect(ics.text).toContain(`UID:session-${mySession}-finalisation-due@agrements.pix.fr`);
    expect(ics.text).not.toContain(theirSession);
    expect(refused).toEqual([]);
  });

  it('the deadlines screen offers the same link, with its filters in the feed’s address', async () => {
    const page = await (await browser.newContext()).newPage();
    const refused = cspViolations(page);
    await signIn(page, api, await h.tokenFor('centre', mine.organisationId));
    await page.goto(`${api}/#/echeances?jours=30&echeance=finalisation-due`);
    await rendered(page, '#/echeances', 'jours=30');
    expect(await page.locator('#deadlines tbody tr').count()).toBe(1);

    const url = new URL(await subscribe(page));
    expect(url.pathname).toBe('/dashboard/deadlines.ics');
    expect(url.searchParams.get('days')).toBe('30');
    expect(url.searchParams.get('deadline')).toBe('finalisation-due');
    await check(page, 'centre-space-3-deadlines-calendar');
    const ics = await feed(url.toString());
    expect(ics.status).toBe(200);
    expect(ics.type).toBe('text/calendar; charset=utf-8');
    expect(ics.text.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect(ics.text).toContain(`UID:session-${mySession}-finalisation-due@agrements.pix.fr`);
    expect(refused).toEqual([]);
  });

  it('a coordinator sees its network’s agrément and each member centre’s sessions and e-mails, named; nobody else’s', async () => {
    const page = await (await browser.newContext()).newPage();
    const refused = cspViolations(page);
    await signIn(page, api, await h.tokenFor('coordinator', network.organisationId));
    await page.click('nav a[href="#/mon-centre"] >> nth=0');
    await page.waitForSelector('h1:has-text("Mon réseau")');
    await rendered(page, '#/mon-centre');

    expect(await page.locator(`section[data-agrement="${network.start.agrementId}"] [data-state]`).first().textContent()).toBe('actif');
    expect(await page.locator('#members tbody tr', { hasText: member.name }).count()).toBe(1);
    const row = page.locator('#to-finalise tbody tr', { hasText: memberSession });
    expect(await row.textContent()).toContain(member.name);
    expect(await page.locator('#emails tbody tr', { hasText: member.name }).count()).toBe(1);
    const content = (await page.textContent('#contenu')) ?? '';
    for (const theirs of [mySession, theirSession, `Centre Voisin ${tag}`, `Centre Espace ${tag}`]) expect(content).not.toContain(theirs);
    await check(page, 'centre-space-4-coordinator');
    expect(refused).toEqual([]);
  });
});
