import type { DataSource } from 'typeorm';
import type { Piece } from '../domain/application';
import type { DossierVerdict } from '../domain/procedure';
import {
  findApplication,
  recordProcedure,
  type RecordProcedureInput,
  registerApplication,
  type RegisterApplicationInput,
  saveEvaluation,
  savePieces,
} from '../infra/application.repository';
import { applicationHasUai, evaluateDossier, evaluateEligibility, missingPieces } from '../rules';

/** Thin, idempotent activities over the read model; the rules run here, never in workflow code. */
export function createApplicationActivities({ db }: { db: DataSource }) {
  return {
    async registerApplication(input: RegisterApplicationInput): Promise<void> {
      await registerApplication(db, input);
    },

    /** Stores new pieces (by id, so once) and evaluates DOC-1..4 and ELIG-1..5 on the whole dossier. */
    async recordPiecesAndEvaluate(input: { applicationId: string; pieces: Piece[]; today: string }): Promise<DossierVerdict> {
      await savePieces(db, input.applicationId, input.pieces);
      const { application, pieces } = await findApplication(db, input.applicationId);
      const data = application.data;
      const [eligibility, dossier] = await Promise.all([
        evaluateEligibility(data, pieces, input.today, { includePassing: true }),
        evaluateDossier(data, pieces, input.today, { includePassing: true }),
      ]);
      await saveEvaluation(db, input.applicationId, { evaluatedOn: input.today, eligibility, dossier });
      return {
        complete: dossier.passed,
        eligible: eligibility.passed,
        missingPieces: missingPieces(data.kind, applicationHasUai(data), pieces, input.today),
        failures: [...dossier.failures, ...eligibility.failures].map((f) => ({ ruleId: f.ruleId, check: f.check, message: f.message })),
      };
    },

    async recordTransition(input: RecordProcedureInput): Promise<void> {
      await recordProcedure(db, input);
    },
  };
}

export type ApplicationActivities = ReturnType<typeof createApplicationActivities>;
