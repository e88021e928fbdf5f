import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A piece of the application dossier (DOC-1..3); its content stays with the applicant's upload store. */
@Entity({ name: 'pieces' })
export class PieceEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'application_id' }) applicationId!: string;
  @Column('text') type!: string;
  @Column('date', { name: 'issued_on', nullable: true }) issuedOn!: string | null;
  @Column('text') filename!: string;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
}
