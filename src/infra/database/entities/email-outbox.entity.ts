import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per e-mail the engine decided to send: the key makes sending exactly-once under retries. */
@Entity({ name: 'email_outbox' })
export class EmailOutboxEntity {
  @PrimaryColumn('text') key!: string;
  @Column('text') template!: string;
  @Column('text') recipient!: string;
  @Column('text', { name: 'message_id' }) messageId!: string;
  @Column('text', { nullable: true }) subject!: string | null;
  @Column('text', { default: 'pending' }) status!: 'pending' | 'sent';
  @Column('integer', { default: 0 }) attempts!: number;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'sent_at', nullable: true }) sentAt!: Date | null;
}
