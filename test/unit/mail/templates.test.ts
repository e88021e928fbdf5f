import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../src/config/parameters';
import {
  formatDateFr,
  formatEuros,
  MissingTemplateDataError,
  renderEmail,
  REQUIRED_FIELDS,
  TEMPLATE_NAMES,
  type TemplateDataMap,
  type TemplateName,
  TemplateRenderError,
  templatesDir,
  UnknownTemplateError,
} from '../../../src/infra/mail/templates';

const base = { applicationReference: 'AGR-2025-0042', organisationName: "Université d'Angers" };

/** Representative data for every template (the contract in TemplateDataMap). */
const SAMPLES: { [N in TemplateName]: TemplateDataMap[N] } = {
  'application-acknowledged': { ...base, submittedAt: '2025-01-31T10:15:00Z' },
  'application-incomplete': {
    ...base,
    missingPieces: [
      { type: 'proof-of-legal-existence', label: "Justificatif d'existence légale", reason: 'stale' },
      { type: 'referent-cv', label: 'CV du référent Pix', reason: 'missing' },
    ],
  },
  'application-admissible': {
    ...base,
    referentName: 'Camille Martin',
    conformityVisitRequired: true,
    conformityVisitCapEur: 250,
    training: { date: '2025-03-04T13:30:00Z', place: 'Paris, 15e', link: 'https://visio.example.org/formation' },
  },
  'application-rejected': {
    ...base,
    reasons: ['Les références présentées ne portent pas sur des prestations similaires.'],
    failures: [{ ruleId: 'ELIG-2', message: 'Les procédures de contrôle interne des sites d’examen manquent.' }],
  },
  'agrement-granted': { ...base, years: 3 },
  'attestation-issued': { ...base, receivedOn: '2025-03-01', termOn: '2028-02-29' },
  'application-overdue': {
    ...base,
    netElapsedDays: 64,
    deadline: '2025-03-31',
    currentState: 'referent-trained',
    submittedAt: '2025-01-20T09:00:00Z',
    pausedDays: 7,
  },
};

function render<N extends TemplateName>(name: N, overrides: Partial<TemplateDataMap[N]> = {}) {
  return renderEmail(name, { ...SAMPLES[name], ...overrides });
}

const RULES_CITED: Record<TemplateName, string[]> = {
  'application-acknowledged': ['APP-1', 'APP-7'],
  'application-incomplete': ['DOC-4', 'APP-7'],
  'application-admissible': ['APP-2', 'APP-4', 'APP-3'],
  'application-rejected': ['APP-2', 'ELIG-'],
  'agrement-granted': ['APP-5', 'APP-8'],
  'attestation-issued': ['APP-6'],
  'application-overdue': ['APP-7'],
};

describe('e-mail templates: files and traceability', () => {
  it.each(TEMPLATE_NAMES)('%s has subject, html and text files, each opening with a comment that cites its rule IDs', (name) => {
    for (const part of ['subject', 'html', 'txt']) {
      const source = fs.readFileSync(path.join(templatesDir(), `${name}.${part}.hbs`), 'utf8');
      const opening = /^\{\{!--([\s\S]*?)--\}\}/.exec(source);
      expect(opening, `${name}.${part}.hbs must start with a handlebars comment`).not.toBeNull();
      for (const rule of RULES_CITED[name]) expect(opening![1]).toContain(rule);
    }
  });

  it('templates dir is resolved from the project root (the directory holding package.json)', () => {
    expect(fs.existsSync(path.join(templatesDir(), '..', 'package.json'))).toBe(true);
    expect(fs.existsSync(path.join(templatesDir(), 'layouts', 'base.html.hbs'))).toBe(true);
  });
});

describe('renderEmail: every template renders in French (html and text)', () => {
  it.each(TEMPLATE_NAMES)('%s renders a one-line subject, an HTML document and a plain-text part', (name) => {
    const { subject, html, text } = render(name);
    expect(subject).not.toMatch(/\n|\{\{|\}\}/);
    expect(subject.length).toBeGreaterThan(10);
    expect(subject).toContain('AGR-2025-0042');
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="fr"/);
    expect(html).toContain(`<title>${subject.replace(/'/g, '&#x27;')}</title>`);
    expect(html).toContain('Université d&#x27;Angers');
    expect(html).not.toMatch(/\{\{|\}\}/);
    expect(text).toContain("Université d'Angers");
    expect(text).not.toMatch(/<[a-z]+[ >]|&#x27;|&nbsp;|\{\{|\}\}/);
    expect(text).not.toMatch(/\n{3,}/);
  });

  it('HTML-escapes data in the html part but leaves the text part and subject as typed', () => {
    const { subject, html, text } = render('application-acknowledged', { organisationName: 'Lycée <b>"Pasteur"</b> & Co' });
    expect(html).toContain('Lycée &lt;b&gt;&quot;Pasteur&quot;&lt;/b&gt; &amp; Co');
    expect(html).not.toContain('<b>"Pasteur"</b>');
    expect(text).toContain('Lycée <b>"Pasteur"</b> & Co');
    expect(subject).toBe("Accusé de réception de votre demande d'agrément Pix (réf. AGR-2025-0042)");
  });
});

describe('application-acknowledged (APP-1, APP-7)', () => {
  it('APP-1: acknowledges the application with its reference, organisation and submission date in French', () => {
    const { subject, text, html } = render('application-acknowledged');
    expect(subject).toBe("Accusé de réception de votre demande d'agrément Pix (réf. AGR-2025-0042)");
    expect(text).toContain("déposée le 31 janvier 2025 pour votre organisme, Université d'Angers.");
    expect(text).toContain('Référence de votre demande : AGR-2025-0042');
    expect(html).toContain('31 janvier 2025');
  });

  it('APP-7: states the 2-month duration, net of the time the file waits on the applicant', () => {
    const { text } = render('application-acknowledged');
    expect(text).toContain(`dure ${PARAMETERS.application.procedureMonths} mois, hors temps d'attente de votre part`);
    expect(text).toContain('ce délai est suspendu tant que votre dossier attend un élément de votre organisme');
    expect(render('application-acknowledged', { procedureMonths: 3 }).text).toContain('dure 3 mois');
  });

  it('APP-1: an instant is shown as the Paris date (23:30 UTC on 31 January is 1er février in Paris)', () => {
    expect(render('application-acknowledged', { submittedAt: '2025-01-31T23:30:00Z' }).text).toContain('déposée le 1er février 2025');
  });
});

describe('application-incomplete (DOC-4, APP-7)', () => {
  it('DOC-4: lists exactly the missing or stale pieces with their French labels and reasons', () => {
    const { subject, text, html } = render('application-incomplete');
    expect(subject).toBe("Demande d'agrément Pix (réf. AGR-2025-0042) : dossier incomplet");
    expect(text).toContain(
      `- Justificatif d'existence légale : document daté de plus de ${PARAMETERS.dossier.proofOfExistenceMaxAgeMonths} mois, à fournir à nouveau\n` +
        '- CV du référent Pix : pièce manquante\n',
    );
    expect(html).toContain('Justificatif d&#x27;existence légale');
    expect(html).toContain('pièce manquante');
    expect(text.match(/^- /gm)).toHaveLength(2);
  });

  it('DOC-4: a reason that is not a known code is printed as given (a French sentence)', () => {
    const { text } = render('application-incomplete', {
      missingPieces: [{ type: 'legal-status', label: 'Statuts', reason: 'les statuts fournis ne sont pas à jour' }],
    });
    expect(text).toContain('- Statuts : les statuts fournis ne sont pas à jour');
  });

  it('APP-7: says the 2-month clock is stopped until the pieces are received', () => {
    const { text } = render('application-incomplete');
    expect(text).toContain('le délai de 2 mois de la procédure est suspendu');
    expect(text).toContain("Il reprendra à la réception de l'ensemble des pièces demandées.");
  });

  it('DOC-4: the dossier link appears only when given', () => {
    expect(render('application-incomplete').text).not.toContain('compléter votre dossier');
    const withLink = render('application-incomplete', { dossierUrl: 'https://dossier.example.org/42' });
    expect(withLink.text).toContain("Vous pouvez compléter votre dossier à l'adresse suivante : https://dossier.example.org/42");
    expect(withLink.html).toContain('href="https://dossier.example.org/42"');
  });
});

describe('application-admissible (APP-2, APP-4, APP-3)', () => {
  it('APP-2, APP-4: announces admissibility and invites the référent to the training, with date, place and link', () => {
    const { subject, text, html } = render('application-admissible');
    expect(subject).toBe("Demande d'agrément Pix (réf. AGR-2025-0042) : demande recevable");
    expect(text).toContain('a été déclarée recevable par le directeur du GIP Pix');
    expect(text).toContain('Le GIP Pix invite Camille Martin, référent Pix de votre centre, à suivre la formation des référents.');
    expect(text).toContain('- Date : 4 mars 2025 à 14 h 30');
    expect(text).toContain('- Lieu : Paris, 15e');
    expect(text).toContain('- Lien de connexion : https://visio.example.org/formation');
    expect(html).toContain('href="https://visio.example.org/formation"');
  });

  it('APP-4: without a scheduled training, says the details will follow', () => {
    const { text } = render('application-admissible', { training: undefined });
    expect(text).toContain('Les dates et modalités de la formation vous seront communiquées prochainement.');
    expect(text).not.toContain('- Date :');
  });

  it('APP-3: mentions the conformity visit at the applicant’s cost, capped at 250 €', () => {
    const { text, html } = render('application-admissible');
    expect(text).toMatch(/Ses frais sont à la charge exclusive de votre organisme, dans la limite de 250\s€\./);
    expect(html).toMatch(/<strong>250\s€<\/strong>/);
    expect(text).toContain('et que la visite de conformité aura été réalisée');
  });

  it('APP-3: the cap defaults to the parameter and follows the data when given', () => {
    const { conformityVisitCapEur: _omitted, ...withoutCap } = SAMPLES['application-admissible'];
    expect(renderEmail('application-admissible', withoutCap).text).toMatch(
      new RegExp(`dans la limite de ${PARAMETERS.application.conformityVisitCapEur}\\s€`),
    );
    expect(render('application-admissible', { conformityVisitCapEur: 180 }).text).toMatch(/dans la limite de 180\s€/);
  });

  it('APP-3: no conformity visit mentioned when none is required', () => {
    const { text, html } = render('application-admissible', { conformityVisitRequired: false });
    expect(text).not.toMatch(/visite de conformité/i);
    expect(html).not.toMatch(/visite de conformité/i);
  });
});

describe('application-rejected (APP-2, ELIG-*)', () => {
  it('APP-2, ELIG-2: gives the reasons and the failing rules', () => {
    const { subject, text, html } = render('application-rejected');
    expect(subject).toBe("Demande d'agrément Pix (réf. AGR-2025-0042) : demande non recevable");
    expect(text).toContain("le directeur du GIP Pix a décidé que cette demande n'est pas recevable");
    expect(text).toContain('MOTIFS DE LA DÉCISION\n\n- Les références présentées ne portent pas sur des prestations similaires.');
    expect(text).toContain('- ELIG-2 : Les procédures de contrôle interne des sites d’examen manquent.');
    expect(html).toContain('<li><strong>ELIG-2</strong>&nbsp;: Les procédures de contrôle interne');
  });

  it('ELIG-1: an ineligible category is pointed to an agreed centre; other failures are not', () => {
    expect(render('application-rejected').text).not.toContain('centre de certification agréé');
    const elig1 = render('application-rejected', {
      failures: [{ ruleId: 'ELIG-1', message: 'La catégorie « autre » ne peut pas être agréée individuellement.' }],
    });
    expect(elig1.text).toContain('en organisant des sessions avec un centre de certification agréé');
  });

  it('ELIG-3: rejection with failing rules only (no free-text reasons) omits the reasons section', () => {
    const { text } = render('application-rejected', {
      reasons: [],
      failures: [{ ruleId: 'ELIG-3', message: 'Engagement inférieur à 600 candidats en 3 ans.' }],
    });
    expect(text).not.toContain('MOTIFS DE LA DÉCISION');
    expect(text).toContain('- ELIG-3 : Engagement inférieur à 600 candidats en 3 ans.');
  });
});

describe('agrement-granted (APP-5, APP-8, APP-6)', () => {
  it('APP-5: grants the agrément for the given number of years and asks for the signed adhesion form (APP-6)', () => {
    const { subject, text } = render('agrement-granted');
    expect(subject).toBe("Agrément Pix accordé : Université d'Angers (réf. AGR-2025-0042)");
    expect(text).toContain("l'agrément de centre de certification Pix pour une durée de 3 ans.");
    expect(text).toContain("Merci de nous retourner le formulaire d'adhésion signé par un représentant légal");
    expect(text).toContain("La convention d'agrément entrera en vigueur à la date de réception de cette attestation");
  });

  it('APP-8: one year, experimentally, for a centre outside France (singular "an")', () => {
    const { text } = render('agrement-granted', { years: 1, experimental: true });
    expect(text).toContain('pour une durée de 1 an, à titre expérimental pour un centre situé hors de France.');
  });
});

describe('attestation-issued (APP-6)', () => {
  it('APP-6: the convention enters into force on receipt of the attestation; the term is given', () => {
    const { subject, text, html } = render('attestation-issued');
    expect(subject).toBe("Attestation d'agrément Pix : Université d'Angers (réf. AGR-2025-0042)");
    expect(text).toContain("- Entrée en vigueur de la convention d'agrément : 1er mars 2025, date de réception de la présente attestation.");
    expect(text).toContain("- Terme de l'agrément : 29 février 2028.");
    expect(html).toContain('<strong>1er mars 2025</strong>');
  });

  it('APP-6, AGR-2: optional attestation number and renewal deadline', () => {
    expect(render('attestation-issued').text).not.toContain('au plus tard');
    const { text } = render('attestation-issued', { attestationReference: 'ATT-2025-007', renewalRequestBy: '2027-11-29' });
    expect(text).toContain('centre de certification Pix n° ATT-2025-007.');
    expect(text).toContain('devra nous parvenir au plus tard le 29 novembre 2027.');
  });
});

describe('application-overdue (APP-7), to Pix operations', () => {
  it('APP-7: gives net elapsed days, deadline and current state', () => {
    const { subject, text } = render('application-overdue');
    expect(subject).toBe("[Délai dépassé] Demande d'agrément AGR-2025-0042 (Université d'Angers)");
    expect(text).toMatch(/^Bonjour,/);
    expect(text).not.toContain('Madame, Monsieur');
    expect(text).toContain('a dépassé la durée de 2 mois de la procédure');
    expect(text).toContain('- Durée nette écoulée : 64 jours');
    expect(text).toContain('- Attente du demandeur déduite : 7 jours');
    expect(text).toContain('- Échéance : 31 mars 2025');
    expect(text).toContain('- État actuel : référent formé, agrément à accorder (referent-trained)');
    expect(text).toContain('- Déposée le : 20 janvier 2025');
  });

  it('APP-7: an unknown state code is shown as is', () => {
    expect(render('application-overdue', { currentState: 'awaiting-visit' }).text).toContain('- État actuel : awaiting-visit');
  });
});

describe('helpers dateFr and euros', () => {
  it('APP-6: a calendar date is never shifted by the time zone', () => {
    expect(formatDateFr('2025-01-31')).toBe('31 janvier 2025');
    expect(formatDateFr('2025-12-01')).toBe('1er décembre 2025');
  });

  it('APP-1: an instant is shown in Europe/Paris, with the time on demand (summer time too)', () => {
    expect(formatDateFr('2025-01-31T10:15:00Z')).toBe('31 janvier 2025');
    expect(formatDateFr(new Date('2025-06-30T22:30:00Z'))).toBe('1er juillet 2025');
    expect(formatDateFr('2025-06-30T08:00:00Z', { withTime: true })).toBe('30 juin 2025 à 10 h');
    expect(formatDateFr('2025-06-30', { withTime: true })).toBe('30 juin 2025');
  });

  it('APP-1: an invalid date fails loudly', () => {
    expect(() => formatDateFr('31/01/2025')).toThrow(/ISO date/);
    expect(() => formatDateFr('2025-02-30')).toThrow(/ISO date/);
    expect(() => renderEmail('application-acknowledged', { ...base, submittedAt: 'hier' })).toThrow(MissingTemplateDataError);
  });

  it('APP-3: euros in French format', () => {
    expect(formatEuros(250)).toMatch(/^250\s€$/);
    expect(formatEuros(12.5)).toMatch(/^12,50\s€$/);
    expect(formatEuros(1250)).toMatch(/^1\s250\s€$/);
    expect(() => formatEuros(Number.NaN)).toThrow(/amount/);
  });
});

describe('renderEmail fails loudly', () => {
  it('an unknown template name is refused', () => {
    expect(() => renderEmail('application-lost' as TemplateName, {})).toThrow(UnknownTemplateError);
    expect(() => renderEmail('application-lost' as TemplateName, {})).toThrow(/Unknown e-mail template "application-lost"/);
  });

  const cases = TEMPLATE_NAMES.flatMap((name) =>
    REQUIRED_FIELDS[name]
      // Fields with a default from the parameters are not required of the caller.
      .filter((field) => !['procedureMonths', 'conformityVisitCapEur'].includes(field))
      .map((field) => [name, field] as const),
  );

  it.each(cases)('%s without "%s" throws MissingTemplateDataError naming the field', (name, field) => {
    const data: Record<string, unknown> = { ...SAMPLES[name] };
    delete data[field];
    expect(() => renderEmail(name, data)).toThrow(MissingTemplateDataError);
    expect(() => renderEmail(name, data)).toThrow(new RegExp(`"${field}" must be`));
  });

  it('DOC-4: an incomplete notice with no missing piece is refused', () => {
    expect(() => render('application-incomplete', { missingPieces: [] })).toThrow(/"missingPieces" must be a non-empty array/);
  });

  it('DOC-4: a missing piece without its label is refused (strict templates)', () => {
    expect(() =>
      render('application-incomplete', { missingPieces: [{ type: 'referent-cv', reason: 'missing' } as never] }),
    ).toThrow(TemplateRenderError);
    expect(() =>
      render('application-incomplete', { missingPieces: [{ type: 'referent-cv', label: 'CV', reason: undefined } as never] }),
    ).toThrow(/pieceReason/);
  });

  it('APP-2, ELIG-*: a rejection with neither reasons nor failures is refused', () => {
    expect(() => render('application-rejected', { reasons: [], failures: [] })).toThrow(/at least one of "reasons" and "failures"/);
  });

  it('APP-2, ELIG-*: a failure without its rule ID is refused', () => {
    expect(() => render('application-rejected', { failures: [{ message: 'x' } as never] })).toThrow(/"ruleId" not defined/);
  });

  it('APP-4: a training without a valid date is refused', () => {
    expect(() => render('application-admissible', { training: { place: 'Lyon' } as never })).toThrow(/training\.date/);
  });

  it('APP-5: years must be a number', () => {
    expect(() => render('agrement-granted', { years: '3' as never })).toThrow(/"years" must be a finite number/);
  });

  it('data must be an object', () => {
    expect(() => renderEmail('agrement-granted', null as never)).toThrow(MissingTemplateDataError);
  });
});
