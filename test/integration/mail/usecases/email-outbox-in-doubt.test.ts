import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailActivities } from '../../../../src/mail/activities/email.activities';
import { type MailCapture, startMailCapture } from '../../../../src/mail/infra/capture-server';
import { createMailer, type Mailer } from '../../../../src/mail/infra/mailer';
import { deliverOutbox } from '../../../../src/mail/usecases/outbox';
import { type ScratchDatabase, scratchDatabase } from '../../../support/scratch-database';

/**
 * Issue 15 (docs/adr/0005, Decision 2): SMTP has no two-phase commit. A worker killed after the SMTP server accepted an
 * e-mail, before its `sent` mark committed, leaves the row pending: another sender sends it again at once (same
 * Message-ID). The outbox knows it: the start of each attempt is committed on its own before SMTP (email_send_starts),
 * and a sender that finds its attempt's start already there counts its send in doubt (email_outbox.sends_in_doubt).
 * The crash is real: once the real SMTP send is accepted, the claiming transaction's backend is terminated, so its
 * commit is lost as when the worker dies. A database of the test's own: the senders take every due e-mail.
 */
let scratch: ScratchDatabase;
let operator: DataSource;
let smtp: MailCapture;
let mailer: Mailer;

beforeAll(async () => {
  scratch = await scratchDatabase('outbox_doubt');
  operator = await scratch.replica(1);
  smtp = await startMailCapture({ port: 0, dir: mkdtempSync(path.join(tmpdir(), 'pix-outbox-doubt-')) });
  mailer = createMailer({ smtpUrl: smtp.url, from: 'agrement@pix.fr' });
});
afterAll(async () => {
  mailer?.close();
  await smtp?.close();
  await scratch?.drop();
});

async function queue(db: DataSource): Promise<{ key: string; to: string }> {
  const key = `doubt:${randomUUID()}`;
  const to = `doubt-${randomUUID()}@test.fr`;
  await createEmailActivities({ db, operationsEmail: 'ops@pix.test', legalEmail: 'legal@pix.test' }).sendEmail({
    key,
    to,
    audience: 'applicant',
    template: 'application-acknowledged',
    data: { applicationReference: 'DOUBT001', organisationName: 'Centre Doute', submittedAt: '2026-01-15T09:00:00Z' },
  });
  return { key, to };
}

const row = async (key: string) =>
  ((await operator.query('SELECT * FROM email_outbox WHERE key = $1', [key])) as Array<Record<string, any>>)[0]!;
const starts = async (key: string) =>
  (await operator.query('SELECT attempt, starts FROM email_send_starts WHERE key = $1 ORDER BY attempt', [key])) as Array<{
    attempt: number;
    starts: number;
  }>;

/**
 * The real mailer, and then the worker's death: once SMTP accepted the message, the backend of the transaction that
 * claimed the row (idle in it, between the claim and the mark) is terminated, and waited for until it is gone.
 */
function dyingAfterSmtp(real: Mailer): Mailer {
  return {
    async send(input) {
      const result = await real.send(input);
      const [claimer] = (await operator.query(
        `SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'idle in transaction' AND query LIKE '%FOR UPDATE SKIP LOCKED%'`,
      )) as Array<{ pid: number }>;
      const [gone] = (await operator.query('SELECT pg_terminate_backend($1, 10000) AS gone', [claimer!.pid])) as Array<{ gone: boolean }>;
      expect(gone!.gone).toBe(true);
      return result;
    },
    close: () => undefined,
  };
}

describe('issue 15: the e-mail outbox knows which sends are in doubt', () => {
  it('issue 15: a normal send leaves sends_in_doubt = 0 and no start row', async () => {
    const db = await scratch.replica();
    const { key, to } = await queue(db);
    expect(await deliverOutbox({ db, mailer })).toMatchObject({ sent: 1 });
    expect(smtp.messages().filter((m) => m.to.includes(to))).toHaveLength(1);
    expect(await row(key)).toMatchObject({ status: 'sent', attempts: 1, sends_in_doubt: 0 });
    expect(await starts(key)).toEqual([]);
  });

  it('issue 15: a worker dying after SMTP accepted, before its mark: resent at once with the same Message-ID, counted in doubt', async () => {
    const dying = await scratch.replica();
    const { key, to } = await queue(dying);
    // The first sender's commit is lost: its round fails, the row is still pending, its attempt's start is left.
    await expect(deliverOutbox({ db: dying, mailer: dyingAfterSmtp(mailer) }, { parallel: 1 })).rejects.toThrow();
    expect(smtp.messages().filter((m) => m.to.includes(to))).toHaveLength(1);
    expect(await row(key)).toMatchObject({ status: 'pending', attempts: 0, sends_in_doubt: 0 });
    expect(await starts(key)).toEqual([{ attempt: 1, starts: 1 }]);

    // Another worker takes it over at once (the row lock went with the connection) and knows its send is in doubt.
    const other = await scratch.replica();
    expect(await deliverOutbox({ db: other, mailer })).toMatchObject({ sent: 1 });
    const received = smtp.messages().filter((m) => m.to.includes(to));
    expect(received).toHaveLength(2);
    const r = await row(key);
    expect(r).toMatchObject({ status: 'sent', attempts: 1, sends_in_doubt: 1 });
    expect(received.map((m) => m.messageId)).toEqual([r.message_id, r.message_id]);
    expect(await starts(key)).toEqual([]);
  });

  it('issue 15: two workers dying in turn on the same e-mail: received three times, both resends counted in doubt', async () => {
    const first = await scratch.replica();
    const { key, to } = await queue(first);
    await expect(deliverOutbox({ db: first, mailer: dyingAfterSmtp(mailer) }, { parallel: 1 })).rejects.toThrow();
    await expect(deliverOutbox({ db: await scratch.replica(), mailer: dyingAfterSmtp(mailer) }, { parallel: 1 })).rejects.toThrow();
    expect(await starts(key)).toEqual([{ attempt: 1, starts: 2 }]);
    expect(await deliverOutbox({ db: await scratch.replica(), mailer })).toMatchObject({ sent: 1 });
    const r = await row(key);
    expect(r).toMatchObject({ status: 'sent', attempts: 1, sends_in_doubt: 2 });
    const received = smtp.messages().filter((m) => m.to.includes(to));
    expect(received).toHaveLength(1 + r.sends_in_doubt);
    expect(new Set(received.map((m) => m.messageId))).toEqual(new Set([r.message_id]));
    expect(await starts(key)).toEqual([]);
  });

  it('issue 15: an SMTP server silent after the message (its reply lost) fails the attempt, counted in doubt; the retry is sent', async () => {
    const db = await scratch.replica();
    const { key, to } = await queue(db);
    let swallowed = 0;
    // Takes the whole message and never answers: the client times out not knowing whether it was accepted.
    const silent = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream) {
        stream.on('data', () => undefined);
        stream.on('end', () => swallowed++);
      },
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentMailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${(silent.server.address() as AddressInfo).port}`,
      from: 'agrement@pix.fr',
      timeouts: { socketMs: 300 },
    });
    try {
      expect(await deliverOutbox({ db, mailer: silentMailer }, { retryInitialMs: 60_000 })).toMatchObject({ retried: 1, sent: 0 });
    } finally {
      silentMailer.close();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
    expect(swallowed).toBe(1);
    const failed = await row(key);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, sends_in_doubt: 1 });
    expect(failed.last_error).toMatch(/timeout/i);
    expect(await starts(key)).toEqual([]);

    await operator.query('UPDATE email_outbox SET next_attempt_at = now() WHERE key = $1', [key]);
    expect(await deliverOutbox({ db, mailer })).toMatchObject({ sent: 1 });
    expect(await row(key)).toMatchObject({ status: 'sent', attempts: 2, sends_in_doubt: 1 });
    expect(smtp.messages().filter((m) => m.to.includes(to))).toHaveLength(1);
  });

  it('issue 15: an SMTP server that refuses the connection is not in doubt (nothing was sent)', async () => {
    const db = await scratch.replica();
    const { key } = await queue(db);
    const refused = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', from: 'agrement@pix.fr' });
    try {
      expect(await deliverOutbox({ db, mailer: refused }, { retryInitialMs: 60_000 })).toMatchObject({ retried: 1 });
    } finally {
      refused.close();
    }
    expect(await row(key)).toMatchObject({ status: 'pending', attempts: 1, sends_in_doubt: 0 });
    expect(await starts(key)).toEqual([]);
  });
});
