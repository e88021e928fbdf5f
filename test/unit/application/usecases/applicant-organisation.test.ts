import { describe, expect, it } from 'vitest';
import type { ApplicationData } from '../../../../src/application/domain/application';
import type { RecordedOrganisation } from '../../../../src/application/domain/applicant';
import { resolveApplicantOrganisation } from '../../../../src/application/usecases/submit-application';
import type { ApplicationRepository } from '../../../../src/application/usecases/ports';
import { TransitionRefused } from '../../../../src/shared/domain/errors';

/** APP-1: the organisation a centre applies for, over an in-memory repository of the organisations recorded. */

const ORG = '0b6f2a4e-0000-4000-8000-000000000001';

function organisations(recorded: Record<string, RecordedOrganisation>) {
  const asked: string[] = [];
  const repository: ApplicationRepository = {
    async recordedOrganisation(id) {
      asked.push(id);
      return recorded[id] ?? null;
    },
  };
  return { repository, asked };
}

const data = (organisation: Partial<ApplicationData['organisation']> = {}, kind: ApplicationData['kind'] = 'individual'): ApplicationData =>
  ({
    kind,
    organisation: {
      name: 'Lycée Jean Moulin',
      category: 'other',
      uai: '0690001A',
      email: 'contact@jean-moulin.fr',
      foreign: false,
      ...organisation,
    },
  }) as ApplicationData;

const recorded = { [ORG]: { name: 'Lycée Jean Moulin', uai: '0690001A', email: 'contact@jean-moulin.fr' } };

async function refusal(promise: Promise<unknown>): Promise<TransitionRefused> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransitionRefused);
  return err as TransitionRefused;
}

describe('APP-1: the organisation a centre applies for', () => {
  it('Pix staff enter any application: a new organisation, nothing read', async () => {
    const { repository, asked } = organisations(recorded);
    expect(await resolveApplicantOrganisation(repository, { role: 'operations', organisationId: null }, data())).toBeNull();
    expect(asked).toEqual([]);
  });

  it('a centre applies for its own organisation as recorded (case, spacing and accents aside)', async () => {
    const { repository, asked } = organisations(recorded);
    expect(
      await resolveApplicantOrganisation(
        repository,
        { role: 'centre', organisationId: ORG },
        data({ name: '  lycée jean  MOULIN ', email: 'Contact@Jean-Moulin.fr' }),
      ),
    ).toBe(ORG);
    expect(asked).toEqual([ORG]);
  });

  it('a centre whose account acts for no organisation, or a coordinator entering a network application, is refused before anything is read', async () => {
    const { repository, asked } = organisations(recorded);
    expect((await refusal(resolveApplicantOrganisation(repository, { role: 'centre', organisationId: null }, data()))).ruleId).toBe(
      'APP-1',
    );
    expect(
      (await refusal(resolveApplicantOrganisation(repository, { role: 'coordinator', organisationId: ORG }, data({}, 'network')))).ruleId,
    ).toBe('APP-1');
    expect(asked).toEqual([]);
  });

  it('an organisation not recorded is refused', async () => {
    const { repository } = organisations({});
    const err = await refusal(resolveApplicantOrganisation(repository, { role: 'centre', organisationId: ORG }, data()));
    expect(err.message).toContain('is not recorded');
  });

  it('another identity is refused, naming the fields that differ', async () => {
    const { repository } = organisations(recorded);
    const err = await refusal(
      resolveApplicantOrganisation(repository, { role: 'centre', organisationId: ORG }, data({ uai: '0690002B', email: 'autre@test.fr' })),
    );
    expect(err.ruleId).toBe('APP-1');
    expect(err.details).toMatchObject({ fields: ['organisation.uai', 'organisation.email'], organisationId: ORG });
  });
});
