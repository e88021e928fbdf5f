import type { DataSource, EntityManager } from 'typeorm';
import { PARAMETERS } from '../../config/parameters';
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
 * Exactly once, and the window left: SMTP has no two-phase commit, so the one duplicate possible is an
 * e-mail the SMTP server accepted whose "sent" mark was then not committed (the process or PostgreSQL
 * died within that one round trip). The row is still pending and is sent again, with the same Message-ID
 * (derived from the key), which mail clients collapse. Nothing is marked sent before SMTP accepts it, so
 * no e-mail is ever lost.
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

type Outcome = 'sent' | 'retried' | 'failed' | 'none';

async function deliverOne(deps: OutboxDeps, o: OutboxOptions): Promise<Outcome> {
  return deps.db.transaction(async (m: EntityManager): Promise<Outcome> => {
    const outbox = outboxRepository(m);
    const row = await outbox.claimNextDue();
    if (!row) return 'none';
    const attempts = row.attempts + 1;
    try {
      const result = await deps.mailer.send({ to: row.recipient, template: row.template, data: row.data, messageId: row.messageId });
      await outbox.markSent(row.key, attempts, result.subject);
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
 * One round: sends what is due (at most `batchSize`, `parallel` at a time). A transient failure ends the
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
  await Promise.all(Array.from({ length: Math.max(1, o.parallel) }, lane));
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
      // An e-mail abandoned mid-send stays pending (its transaction rolls back): sent later, at worst twice (same Message-ID).
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise<void>((resolve) => (bound = setTimeout(resolve, options.stopTimeoutMs ?? 10_000)))]);
      clearTimeout(bound);
    },
  };
}
