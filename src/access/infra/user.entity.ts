import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '../domain/roles';

/** A person who uses the engine, with one role (DATA-3: unique login, access profile). */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  /** The login: unique, case-insensitively. */
  @Column('text') email!: string;
  @Column('text') role!: Role;
  /** The organisation a centre or coordinator acts for (its scope); null for Pix staff. */
  @Column('uuid', { name: 'organisation_id', nullable: true }) organisationId!: string | null;
  /** DATA-3: an obsolete access is deactivated, not deleted (the event log still names the person). */
  @Column('boolean', { default: true }) active!: boolean;
  @Column('timestamptz', { name: 'deactivated_at', nullable: true }) deactivatedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
