import type { INestApplication } from '@nestjs/common';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../../src/access/domain/roles';
import { ROLES } from '../../../../src/access/domain/roles';
import { createHarness, receivedMail, serveApi, type Harness } from '../../../support/harness';
import { requestJson } from '../../../support/http';

let h: Harness;
let withCapture: { app: INestApplication; url: string };
let withSmtp: { app: INestApplication; url: string };
const tokens = {} as Record<Role, string>;
let messageId: string;

beforeAll(async () => {
  h = await createHarness();
  // `./dev start` without SMTP_URL: the API lists the embedded capture; with a real SMTP_URL it has none.
  withCapture = await serveApi(h, { mailCapture: h.smtp });
  withSmtp = await serveApi(h);
  for (const role of ROLES) tokens[role] = await h.tokenFor(role);
  // An e-mail as secret as the capture holds: an inspector's notice of an unannounced visit.
  const transport = nodemailer.createTransport(h.smtp.url);
  await transport.sendMail({
    from: 'agrement@pix.fr',
    to: 'inspecteur@example.test',
    subject: 'Visite de contrôle inopinée (VIS-2)',
    text: 'Visite demain à 9 h.',
  });
  transport.close();
  const [captured] = await receivedMail(h.smtp, (m) => m.subject.includes('inopinée'));
  messageId = captured!.id;
});
afterAll(async () => {
  await withCapture?.app.close();
  await withSmtp?.app.close();
  await h?.close();
});

const PATHS = () => ['/mail', '/mail/messages.json', `/mail/${messageId}`];

describe('captured mail: Pix operations only, and only where the capture runs (DATA-3)', () => {
  it('DATA-3 401 without a token: the captured mail is not public', async () => {
    for (const path of PATHS()) {
      const res = await requestJson(`${withCapture.url}${path}`, 'GET');
      expect(res.status, path).toBe(401);
      expect(res.text, path).not.toContain('inopinée');
    }
  });

  it('DATA-3 403 for every role but operations; operations read the list, the page and a message', async () => {
    for (const role of ROLES.filter((r) => r !== 'operations')) {
      for (const path of PATHS()) {
        const res = await requestJson(`${withCapture.url}${path}`, 'GET', { token: tokens[role] });
        expect(res.status, `${role} ${path}`).toBe(403);
        expect(res.text).not.toContain('inopinée');
      }
    }
    const list = await requestJson(`${withCapture.url}/mail/messages.json`, 'GET', { token: tokens.operations });
    expect(list.status).toBe(200);
    expect((list.body as unknown as Array<{ subject: string }>).map((m) => m.subject)).toContain('Visite de contrôle inopinée (VIS-2)');
    const page = await fetch(`${withCapture.url}/mail`, { headers: { authorization: `Bearer ${tokens.operations}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('inopinée');
    const one = await fetch(`${withCapture.url}/mail/${messageId}`, { headers: { authorization: `Bearer ${tokens.operations}` } });
    expect(one.status).toBe(200);
    expect(await one.text()).toContain('Visite demain');
  });

  it('with a real SMTP_URL (no capture) /mail does not exist: 404 with or without a token', async () => {
    for (const path of PATHS()) {
      for (const token of [null, tokens.operations, tokens.centre]) {
        const res = await requestJson(`${withSmtp.url}${path}`, 'GET', { token });
        expect(res.status, `${path} ${token ? 'with' : 'without'} token`).toBe(404);
      }
    }
  });
});
