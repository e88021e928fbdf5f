import type { DataSource, EntityManager } from 'typeorm';
import { PARAMETERS } from '../../config/parameters';
import { poolSizeOf } from '../../shared/database/data-source';
import type { Mailer } from '../infra/mailer';
import { outboxRepository } from '../infra/outbox.repository';
import { TemplateError } from '../infra/templates';
import { recordAttention, resolveAttentionAutomatically } from '../../attention/usecases/attention';
import { ACTION_FOR_REJECTED_EMAIL, actionForUndeliveredEmail, TEMPLATE_DATA_INVALID } from '../../attention/usecases/failures';

/**
 * The e-mail outbox's sender. The sendEmail activity only queues an e-mail (a committed row with its data,
 * see src/mail/activities/email.activities.ts); this delivers the pending rows, outside every workflow, in the
 * worker process (src/system.ts) and in the test harness.
 *
 * Each e-mail is claimed in its own transaction with `FOR UPDATE SKIP LOCKED`: several worker replicas
 * (or lanes of one) never send the same row at once, and a row stays locked while the SMTP server answers.
 * Accepted: the row is marked sent in that transaction. Refused or unreachable: the attempt is counted
 * with its error and the row waits (exponential backoff, PARAMETERS.mail) before the next; past
 * PARAMETERS.mail.attentionAfterAttempts it is listed for operations, and the item resolves itself once
 * the e-mail goes. A refusal for good (a 5xx to the recipient or the message) marks it failed and lists it.
 *
 * At least once, and every duplicate known (issue 15): SMTP has no two-phase commit, so an e-mail the SMTP
 * server accepted whose "sent" mark was then not committed (the worker or PostgreSQL died within that round
 * trip) is still pending, and is sent again at once by another sender, with the same Message-ID (derived from
 * the key), which mail clients collapse. Each attempt's start is committed on its own before SMTP
 * (email_send_starts) and deleted with its mark: a sender that finds the start of its attempt already there
 * knows its send is a resend in doubt, and counts it on the row (sends_in_doubt). So an e-mail is received at
 * least once, and at most 1 + sends_in_doubt times. A connection lost after the message (no reply) counts too.
 * Nothing is marked sent before SMTP accepts it, so no e-mail is ever lost.
 */
export interface OutboxOptions {
  batchSize: number;
  parallel: number;
  retryInitialMs: number;
  retryMaxMs: number;
  attentionAfterAttempts: number;
}

export const OUTBOX_DEFAULTS: OutboxOptions = {
  batchSize: PARAMETERS.mail.batchSize,
  parallel: PARAMETERS.mail.parallel,
  retryInitialMs: PARAMETERS.mail.retryInitialMs,
  retryMaxMs: PARAMETERS.mail.retryMaxMs,
  attentionAfterAttempts: PARAMETERS.mail.attentionAfterAttempts,
};

export interface OutboxDeps {
  db: DataSource;
  mailer: Mailer;
}

export interface DeliveryReport {
  sent: number;
  /** Failed this time, to be tried again later. */
  retried: number;
  /** Refused for good. */
  failed: number;
}

/** The attention item of an undelivered e-mail. */
export function emailAttentionKey(key: string): string {
  return `email:${key}`;
}

/** Wait before attempt n + 1 after n failed attempts: initial × 2^(n−1), capped. */
export function retryDelayMs(attempts: number, o: Pick<OutboxOptions, 'retryInitialMs' | 'retryMaxMs'>): number {
  return Math.min(o.retryMaxMs, o.retryInitialMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
}

/** A refusal no retry fixes: the recipient or the message refused with 5xx, or a template that no longer renders. */
function isPermanent(err: unknown): boolean {
  if (err instanceof TemplateError) return true;
  const e = err as { code?: unknown; responseCode?: unknown };
  return typeof e?.responseCode === 'number' && e.responseCode >= 500 && (e.code === 'EENVELOPE' || e.code === 'EMESSAGE');
}

/**
 * A transient failure after which the SMTP server may have accepted the message all the same: the connection was
 * lost, or went silent, once established, and what was lost may be its reply to the message. A reply (4xx, 5xx), a
 * connection refused or never made, a template that does not render: nothing was accepted. Connections lost before
 * the message are counted too: nodemailer does not say which command was in flight, and "may" must not miss one.
 */
function mayHaveBeenAccepted(err: unknown): boolean {
  if (err instanceof TemplateError) return false;
  const e = err as { code?: unknown; originalCode?: unknown; responseCode?: unknown; timeoutType?: unknown };
  if (typeof e?.responseCode === 'number') return false;
  return (
    e?.code === 'ECONNECTION' ||
    (e?.code === 'ETIMEDOUT' && e.timeoutType === 'SOCKET_TIMEOUT') ||
    (e?.code === 'ESOCKET' && (e.originalCode === 'ECONNRESET' || e.originalCode === 'EPIPE'))
  );
}

type Outcome = 'sent' | 'retried' | 'failed' | 'none';

async function deliverOne(deps: OutboxDeps, o: OutboxOptions): Promise<Outcome> {
  return deps.db.transaction(async (m: EntityManager): Promise<Outcome> => {
    const outbox = outboxRepository(m);
    const row = await outbox.claimNextDue();
    if (!row) return 'none';
    const attempts = row.attempts + 1;
    // Issue 15: the start of this attempt is committed on its own, before SMTP, and deleted with the attempt's mark.
    // Found already there: a sender died within this attempt, after a send the SMTP server may have accepted (its
    // transaction rolled back, the row lock went with its connection). This send is then a resend in doubt, counted
    // on the row with the mark; the Message-ID stays the same.
    const inDoubt = await outboxRepository(deps.db).recordSendStart(row.key, attempts);
    try {
      const result = await deps.mailer.send({ to: row.recipient, template: row.template, data: row.data, messageId: row.messageId });
      await outbox.markSent(row.key, attempts, result.subject, inDoubt);
      if (attempts >= o.attentionAfterAttempts)
        await resolveAttentionAutomatically(m, emailAttentionKey(row.key), `Courriel envoyé à la tentative ${attempts}.`);
      return 'sent';
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const permanent = isPermanent(err);
      await outbox.markAttemptFailed(row.key, {
        attempts,
        error: message,
        status: permanent ? 'failed' : 'pending',
        retryInMs: retryDelayMs(attempts, o),
        inDoubt: inDoubt + (mayHaveBeenAccepted(err) ? 1 : 0),
      });
      if (permanent || attempts >= o.attentionAfterAttempts) {
        const e = err as { code?: unknown; responseCode?: unknown };
        await recordAttention(m, {
          key: emailAttentionKey(row.key),
          kind: 'email-undelivered',
          workflowId: row.workflowId,
          workflowType: row.workflowType,
          activityType: 'sendEmail',
          errorType: err instanceof TemplateError ? TEMPLATE_DATA_INVALID : permanent ? 'SmtpRejected' : 'SmtpUnavailable',
          errorMessage: message,
          action: permanent ? ACTION_FOR_REJECTED_EMAIL : actionForUndeliveredEmail(attempts),
          details: {
            emailKey: row.key,
            template: row.template,
            recipient: row.recipient,
            messageId: row.messageId,
            smtpCode: e?.code ?? null,
            smtpResponseCode: e?.responseCode ?? null,
          },
          attempts,
        });
      }
      return permanent ? 'failed' : 'retried';
    }
  });
}

/**
 * Lanes at once: each holds a pool connection for its transaction and needs another, briefly, for the start of its
 * attempt (committed on its own). Lanes that took every connection would wait on each other until the pool's
 * connect timeout: one connection is left free.
 */
function laneCount(db: DataSource, parallel: number): number {
  return Math.max(1, Math.min(parallel, poolSizeOf(db) - 1));
}

/**
 * One round: sends what is due (at most `batchSize`, `parallel` at a time, fewer than the pool's connections). A transient failure ends the
 * round (SMTP is likely down: the next round tries again), a refusal for good does not.
 */
export async function deliverOutbox(
  deps: OutboxDeps,
  options: Partial<OutboxOptions> & { shouldStop?: () => boolean } = {},
): Promise<DeliveryReport> {
  const o: OutboxOptions = { ...OUTBOX_DEFAULTS, ...options };
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  let budget = o.batchSize;
  let halt = false;
  const lane = async () => {
    while (budget > 0 && !halt && !options.shouldStop?.()) {
      budget--;
      const outcome = await deliverOne(deps, o);
      if (outcome === 'none') return;
      report[outcome]++;
      if (outcome === 'retried') halt = true;
    }
  };
  await Promise.all(Array.from({ length: laneCount(deps.db, o.parallel) }, lane));
  return report;
}

// An e-mail queued in this process wakes the senders at once instead of waiting for their next poll.
const wakers = new Set<() => void>();

/** Called after an e-mail is queued (committed): the senders of this process look at once. */
export function wakeOutbox(): void {
  for (const wake of wakers) wake();
}

export interface OutboxSender {
  /** Asks for a round now (or right after the current one). */
  wake(): void;
  /** Stops polling and waits for the e-mail being sent (at most `stopTimeoutMs`: a silent SMTP server never holds a shutdown). */
  stop(): Promise<void>;
}

/**
 * Runs rounds every `pollIntervalMs` and whenever an e-mail is queued in the process; one round at a time,
 * a wake during a round asks for another right after it. Returns the sender, to stop it.
 */
export function startOutboxDelivery(
  deps: OutboxDeps,
  options: Partial<OutboxOptions> & { pollIntervalMs?: number; stopTimeoutMs?: number; onError?: (err: unknown) => void } = {},
): OutboxSender {
  const onError = options.onError ?? ((err: unknown) => console.warn(`[outbox] ${err instanceof Error ? err.message : String(err)}`));
  let stopped = false;
  let again = false;
  let running: Promise<void> | null = null;
  const round = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          const r = await deliverOutbox(deps, { ...options, shouldStop: () => stopped });
          // A full batch sent: more may be due now.
          if (r.sent + r.failed >= (options.batchSize ?? OUTBOX_DEFAULTS.batchSize)) again = true;
        } catch (err) {
          onError(err);
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
  };
  wakers.add(round);
  const timer = setInterval(round, options.pollIntervalMs ?? PARAMETERS.mail.pollIntervalMs);
  timer.unref();
  round();
  return {
    wake: round,
    async stop() {
      stopped = true;
      clearInterval(timer);
      wakers.delete(round);
      // An e-mail abandoned mid-send stays pending (its transaction rolls back): sent later, at worst twice (same Message-ID),
      // that resend counted in doubt (its start is left behind).
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise<void>((resolve) => (bound = setTimeout(resolve, options.stopTimeoutMs ?? 10_000)))]);
      clearTimeout(bound);
    },
  };
}
