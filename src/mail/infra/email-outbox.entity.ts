import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per e-mail the engine decided to send, queued by the sendEmail activity (the key makes it once
 * under retries) and delivered by the outbox sender (src/infra/mail/outbox.ts): pending → sent, or failed
 * when the SMTP server refuses it for good.
 */
@Entity({ name: 'email_outbox' })
export class EmailOutboxEntity {
  @PrimaryColumn('text') key!: string;
  @Column('text') template!: string;
  @Column('text') recipient!: string;
  @Column('text', { nullable: true }) audience!: string | null;
  /** The template data, checked by rendering it when queued. */
  @Column('jsonb', { nullable: true }) data!: Record<string, unknown> | null;
  @Column('text', { name: 'message_id' }) messageId!: string;
  @Column('text', { nullable: true }) subject!: string | null;
  /** The text as rendered when queued (null: queued before it was kept, rendered again on reading). */
  @Column('text', { name: 'rendered_text', nullable: true }) renderedText!: string | null;
  @Column('text', { default: 'pending' }) status!: 'pending' | 'sent' | 'failed';
  @Column('integer', { default: 0 }) attempts!: number;
  /** Sends that may have been accepted beyond the one recorded (a sender died after SMTP, before its mark): issue 15. */
  @Column('integer', { name: 'sends_in_doubt', default: 0 }) sendsInDoubt!: number;
  /** The workflow whose activity queued it (null when queued by the API, e.g. visit notices). */
  @Column('text', { name: 'workflow_id', nullable: true }) workflowId!: string | null;
  @Column('text', { name: 'workflow_type', nullable: true }) workflowType!: string | null;
  @Column('timestamptz', { name: 'next_attempt_at', default: () => 'now()' }) nextAttemptAt!: Date;
  @Column('timestamptz', { name: 'last_attempt_at', nullable: true }) lastAttemptAt!: Date | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'sent_at', nullable: true }) sentAt!: Date | null;
}
