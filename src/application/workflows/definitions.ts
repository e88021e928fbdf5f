import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ApplicationData, Piece, PieceType } from '../domain/application';
import type { Procedure } from '../domain/procedure';

/** Messages of the application workflow, shared by the workflow and its clients (API, tests). */

export function applicationWorkflowId(applicationId: string): string {
  return `application-${applicationId}`;
}

export interface ApplicationWorkflowInput {
  applicationId: string;
  organisationId: string;
  memberIds: string[];
  data: ApplicationData;
  /** ISO instant Pix received the application: the APP-7 clock starts here. */
  receivedAt: string;
  actor: string;
}

/** Who acts and why: recorded with every transition in the event log. */
export interface Attribution {
  actor: string;
  reason?: string | null;
}

export type SubmitPieces = Attribution & { pieces: Piece[] };
export type DecideAdmissibility = Attribution &
  (
    | { decision: 'admissible'; conformityVisitRequired?: boolean }
    | { decision: 'incomplete'; missingPieces?: PieceType[] }
    | { decision: 'rejected'; reasons: string[] }
  );
export type RequireConformityVisit = Attribution;
export type RecordConformityVisit = Attribution & { on: string; costEur: number; compliant: boolean };
export type RecordReferentTrained = Attribution & { on: string };
/** APP-5; REF-1: `referentCount`, the number of référents agreed in the convention (required for a network). */
export type GrantAgrement = Attribution & { years?: number; referentCount?: number };
export type ReceiveAdhesionForm = Attribution & { on: string };
export type IssueAttestation = Attribution & { receivedOn: string };

export interface ApplicationSnapshot extends Procedure {
  /** APP-7: net time Pix has held the file, in whole days, and when 2 months net are reached. */
  netElapsedDays: number;
  procedureDeadline: string | null;
  asOf: string;
}

export const submitPiecesUpdate = defineUpdate<ApplicationSnapshot, [SubmitPieces]>('submitPieces');
export const decideAdmissibilityUpdate = defineUpdate<ApplicationSnapshot, [DecideAdmissibility]>('decideAdmissibility');
export const requireConformityVisitUpdate = defineUpdate<ApplicationSnapshot, [RequireConformityVisit]>('requireConformityVisit');
export const recordConformityVisitUpdate = defineUpdate<ApplicationSnapshot, [RecordConformityVisit]>('recordConformityVisit');
export const recordReferentTrainedUpdate = defineUpdate<ApplicationSnapshot, [RecordReferentTrained]>('recordReferentTrained');
export const grantAgrementUpdate = defineUpdate<ApplicationSnapshot, [GrantAgrement]>('grantAgrement');
export const receiveAdhesionFormUpdate = defineUpdate<ApplicationSnapshot, [ReceiveAdhesionForm]>('receiveAdhesionForm');
export const issueAttestationUpdate = defineUpdate<ApplicationSnapshot, [IssueAttestation]>('issueAttestation');

export const applicationStateQuery = defineQuery<ApplicationSnapshot>('state');
