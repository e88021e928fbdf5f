import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The append-only operation log: every transition with its actor, time and reason.
 * The database refuses UPDATE and DELETE (and the app's role may not); each entry chains the previous one by an HMAC.
 */
@Entity({ name: 'event_log' })
export class EventLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  /** Idempotency key: the same fact recorded twice (activity retry) is stored once. */
  @Column('text', { name: 'event_key', unique: true }) eventKey!: string;
  @Column('text', { name: 'stream_type' }) streamType!: string;
  @Column('uuid', { name: 'stream_id' }) streamId!: string;
  @Column('text') type!: string;
  @Column('text', { name: 'rule_ids', array: true, default: () => "'{}'" }) ruleIds!: string[];
  @Column('text', { name: 'from_state', nullable: true }) fromState!: string | null;
  @Column('text', { name: 'to_state', nullable: true }) toState!: string | null;
  @Column('text') actor!: string;
  @Column('text', { nullable: true }) reason!: string | null;
  @Column('jsonb', { default: () => "'{}'" }) data!: Record<string, unknown>;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt!: Date;
  @Column('timestamptz', { name: 'recorded_at', default: () => 'now()' }) recordedAt!: Date;
  @Column('text', { name: 'prev_hash' }) prevHash!: string;
  @Column('text') hash!: string;
  /** Issue 12: the key of the HMAC link; null for a legacy SHA-256 link. */
  @Column('text', { name: 'key_id', nullable: true }) keyId!: string | null;
}
