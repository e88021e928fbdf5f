import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailActivities } from '../../../../src/mail/activities/email.activities';
import { type MailCapture, startMailCapture } from '../../../../src/mail/infra/capture-server';
import { createMailer, type Mailer } from '../../../../src/mail/infra/mailer';
import { type OutboxSender, startOutboxDelivery } from '../../../../src/mail/usecases/outbox';
import { type ScratchDatabase, scratchDatabase } from '../../../support/scratch-database';
import { until } from '../../../support/waiting';

/**
 * Issue 15 (docs/adr/0005): the e-mail outbox is a queue that every worker replica drains; each sender claims
 * a row with FOR UPDATE SKIP LOCKED and holds it while SMTP answers, so two senders deliver each e-mail
 * exactly once, to the SMTP capture. A database of the test's own: the senders take every due e-mail.
 */
let scratch: ScratchDatabase;
let dbA: DataSource;
let dbB: DataSource;
let smtp: MailCapture;
let mailerA: Mailer;
let mailerB: Mailer;

beforeAll(async () => {
  scratch = await scratchDatabase('outbox');
  dbA = await scratch.replica();
  dbB = await scratch.replica();
  smtp = await startMailCapture({ port: 0, dir: mkdtempSync(path.join(tmpdir(), 'pix-outbox-replicas-')) });
  mailerA = createMailer({ smtpUrl: smtp.url, from: 'agrement@pix.fr' });
  mailerB = createMailer({ smtpUrl: smtp.url, from: 'agrement@pix.fr' });
});
afterAll(async () => {
  mailerA?.close();
  mailerB?.close();
  await smtp?.close();
  await scratch?.drop();
});

describe('issue 15: two outbox senders on one database', () => {
  it('deliver each e-mail exactly once (SKIP LOCKED claims), whichever sends it', async () => {
    const run = randomUUID().slice(0, 8);
    const recipients = Array.from({ length: 40 }, (_, i) => `replica-${run}-${i}@test.fr`);
    const activities = createEmailActivities({ db: dbA, operationsEmail: 'ops@pix.test', legalEmail: 'legal@pix.test' });
    for (const [i, to] of recipients.entries())
      await activities.sendEmail({
        key: `replicas:${run}:${i}`,
        to,
        audience: 'applicant',
        template: 'application-acknowledged',
        data: {
          applicationReference: `R${String(i).padStart(7, '0')}`,
          organisationName: 'Centre Réplique',
          submittedAt: '2026-01-15T09:00:00Z',
        },
      });
    // Small batches and quick polls, several lanes each: the two senders contend for the same rows.
    const options = { pollIntervalMs: 20, batchSize: 3, parallel: 3 };
    const senders: OutboxSender[] = [
      startOutboxDelivery({ db: dbA, mailer: mailerA }, options),
      startOutboxDelivery({ db: dbB, mailer: mailerB }, options),
    ];
    try {
      await until(
        async () => ((await dbA.query(`SELECT count(*)::int AS n FROM email_outbox WHERE status = 'sent'`)) as Array<{ n: number }>)[0]!.n,
        (n) => n === recipients.length,
      );
    } finally {
      await Promise.all(senders.map((s) => s.stop()));
    }
    const received = smtp.messages().filter((m) => m.to.some((to) => to.includes(`replica-${run}-`)));
    for (const to of recipients)
      expect(
        received.filter((m) => m.to.includes(to)),
        to,
      ).toHaveLength(1);
    expect(received).toHaveLength(recipients.length);
    const rows = (await dbA.query(`SELECT attempts, status FROM email_outbox`)) as Array<{ attempts: number; status: string }>;
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });
});
