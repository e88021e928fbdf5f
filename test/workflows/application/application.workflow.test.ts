import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoDate, MS_PER_DAY } from '../../../src/shared/domain/dates';
import { addMonthsIn } from '../../../src/application/domain/procedure-clock';
import { findApplication } from '../../../src/application/infra/application.repository';
import {
  applicationStateQuery,
  applicationWorkflowId,
  decideAdmissibilityUpdate,
  grantAgrementUpdate,
  issueAttestationUpdate,
  receiveAdhesionFormUpdate,
  recordReferentTrainedUpdate,
  submitPiecesUpdate,
} from '../../../src/application/workflows/definitions';
import { agrementStateQuery, agrementWorkflowId } from '../../../src/agrement/workflows/definitions';
import { patchesIn, recordHistory } from '../../support/histories';
import { OVERDUE_AT_ONCE } from '../../../src/application/workflows/application.workflow';
import { sleepUntil, until } from '../../support/waiting';
import { individualApplication, individualPieces, workflowInput } from '../../support/fixtures';
import { createHarness, type Harness, OPERATIONS_EMAIL, receivedMail } from '../../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

async function start(receivedAt?: Date) {
  const at = receivedAt ?? new Date(await h.env.currentTimeMs());
  const input = workflowInput(individualApplication(), at);
  const handle = await h.client.workflow.start('applicationWorkflow', {
    workflowId: applicationWorkflowId(input.applicationId),
    taskQueue: h.taskQueue,
    args: [input],
  });
  return { input, handle };
}

describe('application workflow on the time-skipping server', () => {
  it('APP-7 a 2-month clock paused 10 days while pieces were missing flags the application at receipt + 2 months + 10 days', async () => {
    await h.run(async () => {
      const { input, handle } = await start();
      const receivedAt = new Date(input.receivedAt);
      await handle.executeUpdate(decideAdmissibilityUpdate, { args: [{ actor: 'ops', decision: 'incomplete' }] });
      await h.env.sleep('10 days');
      const now = new Date(await h.env.currentTimeMs());
      await handle.executeUpdate(submitPiecesUpdate, {
        args: [{ actor: 'centre', pieces: individualPieces(isoDate(now), now.toISOString()) }],
      });
      const resumed = await handle.query(applicationStateQuery);
      expect(resumed.state).toBe('submitted');
      // The pause is what the server measured between the two updates: 10 days and the test's own latency.
      const paused = resumed.clock.pausedMs;
      expect(paused).toBeGreaterThanOrEqual(10 * MS_PER_DAY);
      expect(paused).toBeLessThan(10 * MS_PER_DAY + 60_000);
      const expectedDeadline = new Date(addMonthsIn(receivedAt, 2, 'Europe/Paris').getTime() + paused);
      expect(resumed.procedureDeadline).toBe(expectedDeadline.toISOString());

      await h.env.sleep(expectedDeadline.getTime() - (await h.env.currentTimeMs()) + 1000);
      const flagged = await handle.query(applicationStateQuery);
      expect(flagged.overdueFlaggedAt).not.toBeNull();
      const lag = new Date(flagged.overdueFlaggedAt!).getTime() - expectedDeadline.getTime();
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(1000);

      const overdue = await receivedMail(
        h.smtp,
        (m) => m.template === 'application-overdue' && m.subject.includes(input.data.organisation.name),
      );
      expect(overdue).toHaveLength(1);
      expect(overdue[0]!.to).toEqual([OPERATIONS_EMAIL]);
      const { application, timeline } = await findApplication(h.db, input.applicationId);
      expect(application.overdueFlaggedAt?.toISOString()).toBe(flagged.overdueFlaggedAt);
      expect(timeline.map((e) => e.type)).toEqual([
        'application-submitted',
        'application-incomplete',
        'pieces-submitted',
        'procedure-overdue',
      ]);
      expect(timeline.at(-1)!.ruleIds).toContain('APP-7');
    });
  });

  it('APP-7 the clock runs while admissible (Pix owes the référent training): flagged 2 months after receipt', async () => {
    await h.run(async () => {
      const { input, handle } = await start();
      const receivedAt = new Date(input.receivedAt);
      const now = new Date(await h.env.currentTimeMs());
      await handle.executeUpdate(submitPiecesUpdate, {
        args: [{ actor: 'centre', pieces: individualPieces(isoDate(now), now.toISOString()) }],
      });
      const admissible = await handle.executeUpdate(decideAdmissibilityUpdate, {
        args: [{ actor: 'ops', decision: 'admissible', conformityVisitRequired: true }],
      });
      expect(admissible.clock.pausedSince).toBeNull();
      const expectedDeadline = addMonthsIn(receivedAt, 2, 'Europe/Paris');
      expect(admissible.procedureDeadline).toBe(expectedDeadline.toISOString());
      await sleepUntil(h.env, 0, new Date(expectedDeadline.getTime() + 1000).toISOString());
      const flagged = await until(
        () => handle.query(applicationStateQuery),
        (x) => x.overdueFlaggedAt !== null,
      );
      expect(flagged.state).toBe('admissible');
      expect(flagged.overdueFlaggedAt).not.toBeNull();
      const { timeline } = await until(
        () => findApplication(h.db, input.applicationId),
        (x) => x.timeline.length >= 4,
      );
      expect(timeline.map((e) => e.type)).toEqual([
        'application-submitted',
        'pieces-submitted',
        'application-admissible',
        'procedure-overdue',
      ]);
    });
  });

  it('APP-7 a file received 3 months ago is flagged overdue at once, with no timer for a deadline already past (OVERDUE_AT_ONCE)', async () => {
    await h.run(async () => {
      const now = await h.env.currentTimeMs();
      const { input, handle } = await start(new Date(now - 92 * MS_PER_DAY));
      const flagged = await until(
        () => handle.query(applicationStateQuery),
        (x) => x.overdueFlaggedAt !== null,
      );
      expect(flagged.state).toBe('submitted');
      const { timeline } = await until(
        () => findApplication(h.db, input.applicationId),
        (x) => x.timeline.length >= 2,
      );
      expect(timeline.map((e) => e.type)).toEqual(['application-submitted', 'procedure-overdue']);
      const history = await handle.fetchHistory();
      expect((history.events ?? []).filter((e) => e.timerStartedEventAttributes)).toEqual([]);
      expect(patchesIn(history)).toContain(OVERDUE_AT_ONCE);
    });
  });

  it('APP-7 the deadline is counted in the Paris calendar: received 23:30 UTC on 30 November is 1 December, due 1 February', async () => {
    await h.run(async () => {
      const { handle } = await start(new Date('2025-11-30T23:30:00Z'));
      const s = await handle.query(applicationStateQuery);
      expect(s.procedureDeadline).toBe('2026-01-31T23:30:00.000Z');
    });
  });

  it('APP-7 the clock does not run while the file waits on the applicant: no flag after 3 months incomplete', async () => {
    await h.run(async () => {
      const { handle } = await start();
      await handle.executeUpdate(decideAdmissibilityUpdate, { args: [{ actor: 'ops', decision: 'incomplete' }] });
      await h.env.sleep('92 days');
      const s = await handle.query(applicationStateQuery);
      expect(s.state).toBe('incomplete');
      expect(s.overdueFlaggedAt).toBeNull();
      expect(s.netElapsedDays).toBe(0);
    });
  });

  it('APP-2..6 from receipt to the attestation: term 3 years after receipt of the attestation, one e-mail per step', async () => {
    await h.run(async () => {
      const { input, handle } = await start();
      const now = new Date(await h.env.currentTimeMs());
      await handle.executeUpdate(submitPiecesUpdate, {
        args: [{ actor: 'centre', pieces: individualPieces(isoDate(now), now.toISOString()) }],
      });
      await handle.executeUpdate(decideAdmissibilityUpdate, { args: [{ actor: 'ops', decision: 'admissible' }] });
      await handle.executeUpdate(recordReferentTrainedUpdate, { args: [{ actor: 'ops', on: '2026-03-02' }] });
      await handle.executeUpdate(grantAgrementUpdate, { args: [{ actor: 'director', reason: 'dossier solide' }] });
      await handle.executeUpdate(receiveAdhesionFormUpdate, { args: [{ actor: 'ops', on: '2026-03-10' }] });
      const done = await handle.executeUpdate(issueAttestationUpdate, { args: [{ actor: 'ops', receivedOn: '2026-03-12' }] });
      expect(done.state).toBe('attestation-issued');
      expect(done.termOn).toBe('2029-03-12');
      const result = await handle.result();
      expect(result.state).toBe('attestation-issued');
      // `RECORD_HISTORIES=1 npm test` refreshes the replay fixture (test/fixtures/histories).
      // APP-6: the agrément's own workflow takes over (shipped behind the start-agrement-on-attestation patch).
      const agrement = h.client.workflow.getHandle(agrementWorkflowId(input.organisationId));
      const state = await agrement.query(agrementStateQuery);
      expect(state).toMatchObject({ state: 'active', startOn: '2026-03-12', termOn: '2029-03-12', organisationId: input.organisationId });
      // The history before the patch stays as committed (application-happy-path.json); this one carries the marker.
      if (process.env.RECORD_HISTORIES) await recordHistory(handle, 'application-with-agrement');

      const mails = await receivedMail(h.smtp, (m) => m.to.includes(input.data.organisation.email), 4);
      expect(mails.map((m) => m.template).filter((t) => t !== null)).toEqual(
        expect.arrayContaining(['application-acknowledged', 'application-admissible', 'agrement-granted', 'attestation-issued']),
      );
      const { timeline } = await findApplication(h.db, input.applicationId);
      expect(timeline.find((e) => e.type === 'agrement-granted')).toMatchObject({
        actor: 'director',
        reason: 'dossier solide',
        ruleIds: ['APP-5'],
      });
    });
  });

  it('APP-5 a grant before the référent training is refused by the validator and leaves no trace', async () => {
    await h.run(async () => {
      const { input, handle } = await start();
      const now = new Date(await h.env.currentTimeMs());
      await handle.executeUpdate(submitPiecesUpdate, {
        args: [{ actor: 'centre', pieces: individualPieces(isoDate(now), now.toISOString()) }],
      });
      await handle.executeUpdate(decideAdmissibilityUpdate, { args: [{ actor: 'ops', decision: 'admissible' }] });
      const before = await handle.query(applicationStateQuery);
      const error = await handle.executeUpdate(grantAgrementUpdate, { args: [{ actor: 'director' }] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (error as WorkflowUpdateFailedError).cause as ApplicationFailure;
      expect(cause.type).toBe('TransitionRefused');
      expect(cause.details?.[0]).toMatchObject({ ruleId: 'APP-5' });
      const after = await handle.query(applicationStateQuery);
      expect(after.version).toBe(before.version);
      const { timeline } = await findApplication(h.db, input.applicationId);
      expect(timeline.map((e) => e.type)).toEqual(['application-submitted', 'pieces-submitted', 'application-admissible']);
    });
  });

  it('DOC-4 without pieces the dossier cannot be declared admissible; the refusal lists the missing pieces', async () => {
    await h.run(async () => {
      const { handle } = await start();
      const error = (await handle
        .executeUpdate(decideAdmissibilityUpdate, { args: [{ actor: 'ops', decision: 'admissible' }] })
        .catch((e) => e)) as WorkflowUpdateFailedError;
      const cause = error.cause as ApplicationFailure;
      expect(cause.details?.[0]).toMatchObject({ ruleId: 'DOC-4' });
      expect((cause.details?.[0] as { missingPieces: string[] }).missingPieces).toEqual(
        expect.arrayContaining(['adhesion-form', 'referent-cv', 'proof-of-legal-existence']),
      );
    });
  });

  it('starting the same application twice is harmless (workflow id from the application id)', async () => {
    await h.run(async () => {
      const { input } = await start();
      const again = await h.client.workflow.start('applicationWorkflow', {
        workflowId: applicationWorkflowId(input.applicationId),
        taskQueue: h.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      const s = await again.query(applicationStateQuery);
      expect(s.applicationId).toBe(input.applicationId);
      // The same run answered both starts: one submission on the record, one acknowledgement in the outbox and at the SMTP server.
      const acks = await receivedMail(
        h.smtp,
        (m) => m.template === 'application-acknowledged' && m.to.includes(input.data.organisation.email),
      );
      const { timeline } = await findApplication(h.db, input.applicationId);
      expect(timeline.filter((e) => e.type === 'application-submitted')).toHaveLength(1);
      const outbox: unknown[] = await h.db.query(
        `SELECT key FROM email_outbox WHERE template = 'application-acknowledged' AND recipient = $1`,
        [input.data.organisation.email],
      );
      expect(outbox).toHaveLength(1);
      expect(acks).toHaveLength(1);
    });
  });
});
