import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { TokenScope } from '../domain/tokens';

/** A bearer token of a user, stored as its SHA-256 only (the token itself is shown once, at issue). */
@Entity({ name: 'api_tokens' })
export class ApiTokenEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'user_id' }) userId!: string;
  @Column('text', { name: 'token_hash', unique: true }) tokenHash!: string;
  @Column('text') label!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column('timestamptz', { name: 'last_used_at', nullable: true }) lastUsedAt!: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
  /** DATA-3: the token stops working at this instant (PARAMETERS.access). */
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  /** Issue 14: `api` (bearer header) or `calendar` (the iCalendar feed only, src/access/domain/tokens.ts). */
  @Column('text', { default: 'api' }) scope!: TokenScope;
}
