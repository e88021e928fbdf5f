import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { SMTPServer } from 'smtp-server';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEmailActivities } from '../../../../src/mail/activities/email.activities';
import { dataSourceFor } from '../../../../src/shared/database/data-source';
import { type MailCapture, startMailCapture } from '../../../../src/mail/infra/capture-server';
import { createMailer, type Mailer } from '../../../../src/mail/infra/mailer';
import { deliverOutbox, emailAttentionKey, retryDelayMs } from '../../../../src/mail/usecases/outbox';

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
const activities = () => createEmailActivities({ db, operationsEmail: 'ops@pix.test', legalEmail: 'legal@pix.test' });
const row = async (key: string) => ((await db.query('SELECT * FROM email_outbox WHERE key = $1', [key])) as Record<string, any>[])[0];
/** Quick retries, so that a test sees several attempts within seconds. */
const FAST = { retryInitialMs: 20, retryMaxMs: 100 };
/** Delivers until nothing is due any more (what a sender's rounds do). */
async function drain(m: Mailer = mailer) {
  for (let i = 0; i < 20; i++) {
    const r = await deliverOutbox({ db, mailer: m }, FAST);
    if (r.sent + r.failed + r.retried === 0) return;
  }
}

describe('e-mail outbox: the activity queues, the sender delivers each e-mail exactly once', () => {
  it('the activity only queues (pending, with its data), returns at once, and a retry with the same key queues nothing more', async () => {
    const to = `retry-${randomUUID()}@test.fr`;
    const key = `test:${randomUUID()}`;
    expect(await activities().sendEmail(input(key, to))).toMatchObject({
      queued: true,
      messageId: expect.stringMatching(/^<[0-9a-f]{32}@agrement\.pix\.fr>$/),
    });
    expect(await activities().sendEmail(input(key, to))).toMatchObject({ queued: false });
    expect(await row(key)).toMatchObject({
      status: 'pending',
      attempts: 0,
      recipient: to,
      template: 'application-acknowledged',
      audience: 'applicant',
      data: input(key, to).data,
    });
    expect(smtp.messages().filter((m) => m.to.includes(to))).toHaveLength(0);

    await drain();
    await drain();
    const sent = smtp.messages().filter((m) => m.to.includes(to));
    expect(sent).toHaveLength(1);
    const r = await row(key);
    expect(r).toMatchObject({ status: 'sent', attempts: 1 });
    expect(r.subject).toContain('Accusé de réception');
    expect(sent[0]!.messageId).toBe(r.message_id);
  });

  it('two workers running the same activity at once queue one e-mail (ON CONFLICT DO NOTHING), sent once', async () => {
    const to = `race-${randomUUID()}@test.fr`;
    const key = `test:${randomUUID()}`;
    const results = await Promise.all([activities().sendEmail(input(key, to)), activities().sendEmail(input(key, to))]);
    expect(results.filter((r) => r.queued)).toHaveLength(1);
    await drain();
    expect(smtp.messages().filter((m) => m.to.includes(to))).toHaveLength(1);
  });

  it('two senders (worker replicas) delivering at once send each e-mail once (FOR UPDATE SKIP LOCKED)', async () => {
    const tos = Array.from({ length: 12 }, (_, i) => `replica-${i}-${randomUUID()}@test.fr`);
    for (const to of tos) await activities().sendEmail(input(`test:${randomUUID()}`, to));
    const other = createMailer({ smtpUrl: smtp.url, from: 'agrement@pix.fr' });
    try {
      await Promise.all([deliverOutbox({ db, mailer }, { parallel: 3 }), deliverOutbox({ db, mailer: other }, { parallel: 3 })]);
    } finally {
      other.close();
    }
    for (const to of tos)
      expect(
        smtp.messages().filter((m) => m.to.includes(to)),
        to,
      ).toHaveLength(1);
  });

  it('template data missing is refused for good when queued (non-retryable TemplateDataInvalid), and nothing is queued', async () => {
    const key = `test:${randomUUID()}`;
    const bad = {
      ...input(key, `blank-${randomUUID()}@test.fr`),
      data: { applicationReference: 'X', organisationName: '   ', submittedAt: '2026-01-15T09:00:00Z' },
    };
    const failure = await activities()
      .sendEmail(bad)
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'TemplateDataInvalid', nonRetryable: true });
    expect((failure as Error).message).toContain('organisationName');
    expect(await row(key)).toBeUndefined();
  });

  it('SMTP down: the e-mail stays queued, each failed attempt is counted with its error and a later next attempt (backoff); sent once when SMTP is back', async () => {
    const broken = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', from: 'agrement@pix.fr' });
    const to = `late-${randomUUID()}@test.fr`;
    const key = `test:${randomUUID()}`;
    await activities().sendEmail(input(key, to));
    try {
      expect(await deliverOutbox({ db, mailer: broken }, { retryInitialMs: 60_000, retryMaxMs: 60_000 })).toMatchObject({
        sent: 0,
        retried: 1,
      });
      const after = await row(key);
      expect(after).toMatchObject({ status: 'pending', attempts: 1 });
      expect(after.last_error).toMatch(/ECONNREFUSED|connect/i);
      // Not due again before its backoff: a round now tries nothing.
      expect(after.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 50_000);
      expect(await deliverOutbox({ db, mailer: broken })).toMatchObject({ sent: 0, retried: 0 });
    } finally {
      broken.close();
    }
    await db.query('UPDATE email_outbox SET next_attempt_at = now() WHERE key = $1', [key]);
    await drain();
    expect(smtp.messages().filter((m) => m.to.includes(to))).toHaveLength(1);
    expect(await row(key)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
  });

  it('the wait between attempts doubles from the initial one up to the maximum (PARAMETERS.mail)', () => {
    const o = { retryInitialMs: 5_000, retryMaxMs: 600_000 };
    expect([1, 2, 3, 4, 8, 50].map((n) => retryDelayMs(n, o))).toEqual([5_000, 10_000, 20_000, 40_000, 600_000, 600_000]);
  });

  it('a recipient the SMTP server refuses for good (550) is marked failed, not retried, and listed for operations', async () => {
    const refusing = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        const err = new Error(`<${address.address}>: mailbox unavailable`) as Error & { responseCode: number };
        err.responseCode = 550;
        callback(err);
      },
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const refusingMailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${(refusing.server.address() as AddressInfo).port}`,
      from: 'agrement@pix.fr',
    });
    const key = `test:${randomUUID()}`;
    try {
      await activities().sendEmail(input(key, `nobody-${randomUUID()}@test.fr`));
      expect(await deliverOutbox({ db, mailer: refusingMailer }, FAST)).toMatchObject({ failed: 1, sent: 0 });
    } finally {
      refusingMailer.close();
      await new Promise<void>((resolve) => refusing.close(() => resolve()));
    }
    expect(await row(key)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await deliverOutbox({ db, mailer }, FAST)).toMatchObject({ sent: 0, failed: 0 });
    const [item] = await db.query('SELECT * FROM attention_items WHERE key = $1', [emailAttentionKey(key)]);
    expect(item).toMatchObject({ kind: 'email-undelivered', error_type: 'SmtpRejected', activity_type: 'sendEmail', resolved_at: null });
    expect(item.details).toMatchObject({ emailKey: key, smtpResponseCode: 550 });
    expect(item.action).toContain('refusé définitivement');
  });

  it('APP-7 an alert without recipient goes to the operations mailbox', async () => {
    const ops = `ops-${randomUUID()}@pix.test`;
    const alerts = createEmailActivities({ db, operationsEmail: ops, legalEmail: `legal-${randomUUID()}@pix.test` });
    const key = `test:${randomUUID()}`;
    await alerts.sendEmail({
      key,
      to: null,
      audience: 'operations',
      template: 'application-overdue',
      data: {
        applicationReference: 'X',
        organisationName: 'Y',
        netElapsedDays: 61,
        deadline: '2026-03-25T09:00:00Z',
        currentState: 'submitted',
      },
    });
    expect(await row(key)).toMatchObject({ recipient: ops });
    await drain();
    const sent = smtp.messages().filter((m) => m.template === 'application-overdue' && m.to.includes(ops));
    expect(sent).toHaveLength(1);
  });
});
