import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Agrement } from '../domain/agrement';
import type { DatedDeadline } from '../workflows/definitions';

/** Read model of one agrément: its workflow's snapshot and pending deadlines, for dashboards and scopes. */
@Entity({ name: 'agrements' })
export class AgrementEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'organisation_id' }) organisationId!: string;
  @Column('text') kind!: string;
  @Column('text') state!: string;
  @Column('date', { name: 'start_on' }) startOn!: string;
  @Column('date', { name: 'term_on' }) termOn!: string;
  @Column('date', { name: 'first_grant_on' }) firstGrantOn!: string;
  @Column('integer') candidates!: number;
  @Column('timestamptz', { name: 'next_deadline_at', nullable: true }) nextDeadlineAt!: Date | null;
  @Column('jsonb') snapshot!: Agrement;
  @Column('jsonb') deadlines!: DatedDeadline[];
  @Column('integer') version!: number;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
