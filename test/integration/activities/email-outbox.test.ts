import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEmailActivities } from '../../../src/activities/email.activities';
import { dataSourceFor } from '../../../src/infra/database/data-source';
import { type MailCapture, startMailCapture } from '../../../src/infra/mail/capture-server';
import { createMailer, type Mailer } from '../../../src/infra/mail/mailer';

let db: DataSource;
let smtp: MailCapture;
let mailer: Mailer;

beforeAll(async () => {
  db = await dataSourceFor(inject('databaseUrl'));
  smtp = await startMailCapture({ port: 0, dir: mkdtempSync(path.join(tmpdir(), 'pix-outbox-')) });
  mailer = createMailer({ smtpUrl: smtp.url, from: 'agrement@pix.fr' });
});
afterAll(async () => {
  mailer?.close();
  await smtp?.close();
});

const input = (key: string, to: string) => ({
  key,
  to,
  audience: 'applicant' as const,
  template: 'application-acknowledged' as const,
  data: { applicationReference: 'ABC12345', organisationName: 'Centre Outbox', submittedAt: '2026-01-15T09:00:00Z' },
});

describe('e-mail outbox: each e-mail exactly once', () => {
  it('an activity retried with the same key sends nothing the second time', async () => {
    const activities = createEmailActivities({ db, mailer, operationsEmail: 'ops@pix.test', legalEmail: 'legal@pix.test' });
    const to = `retry-${randomUUID()}@test.fr`;
    const key = `test:${randomUUID()}`;
    expect(await activities.sendEmail(input(key, to))).toMatchObject({ sent: true });
    expect(await activities.sendEmail(input(key, to))).toMatchObject({ sent: false });
    expect(smtp.messages().filter((m) => m.to.includes(to))).toHaveLength(1);
    const [row] = await db.query('SELECT status, attempts, subject FROM email_outbox WHERE key = $1', [key]);
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    expect(row.subject).toContain('Accusé de réception');
  });

  it('two workers running the same activity at once send one e-mail (the row lock serialises them)', async () => {
    const activities = createEmailActivities({ db, mailer, operationsEmail: 'ops@pix.test', legalEmail: 'legal@pix.test' });
    const to = `race-${randomUUID()}@test.fr`;
    const key = `test:${randomUUID()}`;
    const results = await Promise.all([activities.sendEmail(input(key, to)), activities.sendEmail(input(key, to))]);
    expect(results.filter((r) => r.sent)).toHaveLength(1);
    expect(smtp.messages().filter((m) => m.to.includes(to))).toHaveLength(1);
  });

  it('a failed SMTP delivery leaves the e-mail pending so that the retry sends it', async () => {
    const broken = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', from: 'agrement@pix.fr' });
    const failing = createEmailActivities({ db, mailer: broken, operationsEmail: 'ops@pix.test', legalEmail: 'legal@pix.test' });
    const to = `late-${randomUUID()}@test.fr`;
    const key = `test:${randomUUID()}`;
    await expect(failing.sendEmail(input(key, to))).rejects.toThrow();
    broken.close();
    const rows = await db.query('SELECT status FROM email_outbox WHERE key = $1', [key]);
    expect(rows).toEqual([]);
    const working = createEmailActivities({ db, mailer, operationsEmail: 'ops@pix.test', legalEmail: 'legal@pix.test' });
    expect(await working.sendEmail(input(key, to))).toMatchObject({ sent: true });
  });

  it('APP-7 an alert without recipient goes to the operations mailbox', async () => {
    const activities = createEmailActivities({ db, mailer, operationsEmail: `ops-${randomUUID()}@pix.test`, legalEmail: `legal-${randomUUID()}@pix.test` });
    const key = `test:${randomUUID()}`;
    await activities.sendEmail({
      key,
      to: null,
      audience: 'operations',
      template: 'application-overdue',
      data: { applicationReference: 'X', organisationName: 'Y', netElapsedDays: 61, deadline: '2026-03-25T09:00:00Z', currentState: 'submitted' },
    });
    const sent = smtp.messages().filter((m) => m.template === 'application-overdue' && m.to[0]!.startsWith('ops-'));
    expect(sent.length).toBeGreaterThanOrEqual(1);
  });
});
