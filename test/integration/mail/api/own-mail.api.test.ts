import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OrganisationEntity } from '../../../../src/entities';
import { type Harness, useApi } from '../../../support/harness';
import { everyItem, type Json, requestJson } from '../../../support/http';
import { suspensionLetter } from '../../../support/mail-fixtures';

/**
 * Issue 14, the Espace centre: GET /me/emails, the e-mails sent to the caller's own organisation (a coordinator: its
 * network's members too), never another organisation's. The run's outbox holds other files' e-mails: every assertion
 * names this file's own.
 */
let h: Harness;
let api: string;
let ops: string;
useApi((s) => ({ h, api, ops } = s));

async function organisation(name: string, networkId: string | null = null, email = `${randomUUID().slice(0, 8)}@own-mail.test`) {
  const id = randomUUID();
  await h.db
    .getRepository(OrganisationEntity)
    .insert({ id, name, category: 'datadock-training-provider', uai: null, department: '69', foreign: false, email, networkId });
  return { id, email };
}

const suspendedLetter = (to: string, name: string, audience: 'centre' | 'operations' = 'centre') =>
  suspensionLetter(h.db, to, name, audience);

const list = (token: string, query = '') =>
  everyItem(async (p) => (await requestJson(`${api}${p}`, 'GET', { token })).body, `/me/emails${query}`);

describe('GET /me/emails (issue 14, the Espace centre)', () => {
  it('a centre reads the e-mails sent to its own address, subject and text rendered; never another centre’s, nor Pix’s own', async () => {
    const a = await organisation('Centre Courriel A');
    const b = await organisation('Centre Courriel B');
    await suspendedLetter(a.email, 'Centre Courriel A');
    await suspendedLetter(b.email, 'Centre Courriel B');
    // An e-mail for operations about A (audience operations) is Pix's, not the centre's, even at A's address.
    await suspendedLetter(a.email, 'Centre Courriel A', 'operations');

    const mine = await list(await h.tokenFor('centre', a.id));
    expect(mine.map((m: Json) => m.organisationId)).toEqual([a.id]);
    const [letter] = mine as Json[];
    expect(letter!.recipient).toBe(a.email);
    expect(letter!.status).toMatch(/^(pending|sent|failed)$/);
    expect(letter!.subject).toMatch(/^Suspension de votre agrément/);
    expect(letter!.text).toContain('Fraude constatée');
    expect(JSON.stringify(mine)).not.toContain('Centre Courriel B');
  });

  it('the subject and text are those rendered when queued: a template that changed since does not rewrite an e-mail already queued', async () => {
    const a = await organisation('Centre Courriel Rendu');
    const kept = await suspendedLetter(a.email, 'Centre Courriel Rendu');
    // As after a template change that no longer reads this data: rendering it again would give no subject nor text.
    await h.db.query(`UPDATE email_outbox SET data = '{}'::jsonb WHERE key = $1`, [kept]);
    // A row queued before the rendering was kept (EmailRendering1763900070000): rendered again from its template and data.
    const older = await suspensionLetter(h.db, a.email, 'Centre Courriel Rendu', 'centre', 'Absence de référent');
    await h.db.query(`UPDATE email_outbox SET subject = NULL, rendered_text = NULL WHERE key = $1`, [older]);

    const mine = (await list(await h.tokenFor('centre', a.id))) as Json[];
    expect(mine).toHaveLength(2);
    for (const m of mine) expect(m.subject).toMatch(/^Suspension de votre agrément/);
    expect(mine.map((m) => m.text as string).find((t) => t.includes('Fraude constatée'))).toBeDefined();
    expect(mine.map((m) => m.text as string).find((t) => t.includes('Absence de référent'))).toBeDefined();
  });

  it('a coordinator reads its network’s members’ e-mails, and filters by member; another organisation is 404', async () => {
    const head = await organisation('Réseau Courriel');
    const member = await organisation('Membre Courriel', head.id);
    const outsider = await organisation('Hors réseau Courriel');
    await suspendedLetter(head.email, 'Réseau Courriel');
    await suspendedLetter(member.email, 'Membre Courriel');
    await suspendedLetter(outsider.email, 'Hors réseau Courriel');
    const coordinator = await h.tokenFor('coordinator', head.id);

    const all = await list(coordinator);
    expect(all.map((m: Json) => m.organisationId).sort()).toEqual([head.id, member.id].sort());
    const one = await list(coordinator, `?organisationId=${member.id}`);
    expect(one.map((m: Json) => m.organisationName)).toEqual(['Membre Courriel']);

    const refused = await requestJson(`${api}/me/emails?organisationId=${outsider.id}`, 'GET', { token: coordinator });
    expect(refused.status).toBe(404);
    // The member centre itself sees its own only, not its network head's.
    const memberOnly = await list(await h.tokenFor('centre', member.id));
    expect(memberOnly.map((m: Json) => m.organisationId)).toEqual([member.id]);
  });

  it('an address another organisation also uses is left out: a shared mailbox never shows another centre’s mail', async () => {
    const shared = `${randomUUID().slice(0, 8)}@own-mail.test`;
    const a = await organisation('Centre Partage A', null, shared);
    await organisation('Centre Partage B', null, shared);
    await suspendedLetter(shared, 'Centre Partage B');
    expect(await list(await h.tokenFor('centre', a.id))).toEqual([]);
  });

  it('400 names the field; 403 for Pix roles (their mail is the capture, GET /mail); 401 without a token', async () => {
    const a = await organisation('Centre Courriel Erreurs');
    const centre = await h.tokenFor('centre', a.id);
    for (const [query, field] of [
      ['?organisationId=nope', 'organisationId'],
      ['?limit=0', 'limit'],
      ['?offset=-1', 'offset'],
    ] as const) {
      const res = await requestJson(`${api}/me/emails${query}`, 'GET', { token: centre });
      expect(res.status, query).toBe(400);
      expect(res.body.field, query).toBe(field);
    }
    expect((await requestJson(`${api}/me/emails`, 'GET', { token: ops })).status).toBe(403);
    expect((await requestJson(`${api}/me/emails`, 'GET')).status).toBe(401);
  });
});
