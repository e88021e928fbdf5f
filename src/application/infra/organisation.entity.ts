import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An applicant or agreed organisation; network members point to their coordinating organisation (ELIG-4). */
@Entity({ name: 'organisations' })
export class OrganisationEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text') category!: string;
  @Column('text', { nullable: true }) uai!: string | null;
  @Column('text', { nullable: true }) department!: string | null;
  @Column('boolean', { name: 'is_foreign', default: false }) foreign!: boolean;
  @Column('text') email!: string;
  @Column('uuid', { name: 'network_id', nullable: true }) networkId!: string | null;
  /** BIL-2: insolvency proceedings (sauvegarde, redressement, liquidation judiciaire), recorded by operations. */
  @Column('boolean', { name: 'insolvency_proceedings', default: false }) insolvencyProceedings!: boolean;
  @Column('date', { name: 'insolvency_proceedings_on', nullable: true }) insolvencyProceedingsOn!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
