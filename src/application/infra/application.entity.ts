import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ApplicationData } from '../domain/application';
import type { Procedure } from '../domain/procedure';

/** Read model of one application: the workflow's procedure snapshot and the latest rule explanations. */
@Entity({ name: 'applications' })
export class ApplicationEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'organisation_id' }) organisationId!: string;
  @Column('text') kind!: string;
  @Column('text') state!: string;
  @Column('jsonb') data!: ApplicationData;
  @Column('jsonb', { nullable: true }) procedure!: Procedure | null;
  @Column('jsonb', { nullable: true }) evaluation!: Record<string, unknown> | null;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
  @Column('timestamptz', { name: 'procedure_deadline', nullable: true }) procedureDeadline!: Date | null;
  @Column('timestamptz', { name: 'overdue_flagged_at', nullable: true }) overdueFlaggedAt!: Date | null;
  @Column('integer', { default: 0 }) version!: number;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
