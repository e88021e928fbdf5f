/**
 * What the control-visit use cases share (VIS-1..5, APP-3): their dependencies, the day in France, the references
 * an e-mail names, and the report of the e-mails queued in the outbox.
 */
import type { Client } from '@temporalio/client';
import type { DataSource } from 'typeorm';
import { queueEmail, type EmailDeps, type SendEmailInput } from '../../mail/usecases/queue-email';
import { PARAMETERS } from '../../config/parameters';
import { dateIn } from '../../shared/domain/zoned-time';

export interface VisitDeps {
  db: DataSource;
  now: () => Date;
  /** The e-mail outbox (see queueEmail). */
  mail: EmailDeps;
  /** The agrément workflows, which receive the findings' proposals (VIS-4, BRE-4). */
  temporal: Client;
  taskQueue: string;
}

export const todayOf = (now: Date) => dateIn(now, PARAMETERS.agrement.timeZone);
export const agrementReference = (agrementId: string) => `AGR-${agrementId.slice(0, 8).toUpperCase()}`;
export const applicationReference = (applicationId: string) => applicationId.slice(0, 8).toUpperCase();

/** The e-mails a plan or findings decided: queued in the outbox, which sends each once (src/mail/usecases/outbox.ts). */
export interface EmailReport {
  /** Queued by this request. */
  queued: number;
  /** Already queued for the same key (a retried plan or findings): not queued, nor sent, again. */
  alreadyQueued: number;
  failed: Array<{ key: string; error: string }>;
}

/** Queues each message (one e-mail per key, ever); a failure is reported, not thrown, so the others are queued. */
export async function queueEmails(deps: Pick<VisitDeps, 'mail'>, messages: SendEmailInput[]): Promise<EmailReport> {
  const report: EmailReport = { queued: 0, alreadyQueued: 0, failed: [] };
  for (const message of messages) {
    try {
      const { queued } = await queueEmail(deps.mail, message);
      if (queued) report.queued++;
      else report.alreadyQueued++;
    } catch (error) {
      report.failed.push({ key: message.key, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return report;
}
