import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARAMETERS } from '../../../../src/config/parameters';
import {
  DEFAULTED_FIELDS,
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
} from '../../../../src/mail/infra/templates';

const base = { applicationReference: 'AGR-2025-0042', organisationName: "Université d'Angers" };
/** The agrément lifecycle templates (issue 3) name the agrément, not the application. */
const lc = { agrementReference: 'AGR-3F2A9C1B', organisationName: "Université d'Angers" };

/** Representative data for every template (the contract in TemplateDataMap). */
const statement = {
  centreName: "Université d'Angers",
  month: '2026-10',
  dueAt: '2026-11-05T22:59:59.999Z',
  sessions: 3,
  candidates: 42,
  pixShareInclVatEur: 420,
  pixShareExclVatEur: 350,
};

/** A planned session a suspension blocks (SES-9, SUS-2). */
const affectedLine = {
  sessionId: 'S-42',
  centreName: "Université d'Angers",
  date: '2026-03-26',
  startTime: '14:00',
  endTime: '16:30',
  timeZone: 'Europe/Paris',
  place: 'Salle B12, 12 rue des Écoles, 49000 Angers',
  ruleId: 'SUS-2',
  reasonFr: 'agrément suspendu',
  fromOn: '2026-03-01',
};

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
  'agrement-renewal-reminder': { ...lc, termOn: '2028-05-31', renewalDueOn: '2028-02-29', daysLeft: 30 },
  'agrement-renewal-missed': { ...lc, termOn: '2028-05-31', renewalDueOn: '2028-02-29' },
  'agrement-renewal-missed-operations': { ...lc, termOn: '2028-05-31', renewalDueOn: '2028-02-29' },
  'agrement-renewed': { ...lc, previousTermOn: '2028-05-31', newTermOn: '2031-05-31', years: 3 },
  'agrement-expired': { ...lc, termOn: '2028-05-31', confidentialityUntil: '2033-05-31' },
  'agrement-suspended': { ...lc, since: '2026-03-01', reason: 'Sessions organisées sans surveillant désigné.' },
  'agrement-suspension-lifted': { ...lc, since: '2026-03-01', liftedOn: '2026-03-20' },
  'control-visit-demanded': { ...lc, demandedOn: '2026-01-31', answerDueOn: '2026-02-28', costCapEur: 120 },
  'breach-notice': {
    ...lc,
    letterSentOn: '2026-03-10',
    cureDueOn: '2026-04-09',
    reason: 'Absence de surveillant lors de la session du 2 mars 2026.',
    suspendedDaysDeducted: 0,
  },
  'breach-cured': { ...lc, curedOn: '2026-03-25', evidence: 'Liste des surveillants désignés et PV de session conformes.' },
  'termination-proposed': {
    ...lc,
    proposalRuleId: 'BRE-1',
    reasonFr: 'manquement grave non corrigé dans le délai de la mise en demeure',
    proposedOn: '2026-04-10',
  },
  'breach-proposed': {
    ...lc,
    proposalRuleId: 'REF-3',
    reasonFr: "badge « Référent Pix » non présenté au 2026-09-01, 6 mois après l'agrément",
    proposedOn: '2026-09-02',
  },
  'termination-notice': { ...lc, cause: 'convenience', noticeOn: '2026-05-04', effectiveOn: '2026-06-03' },
  'agrement-terminated': {
    ...lc,
    effectiveOn: '2026-06-03',
    causeRuleId: 'TER-1',
    causeFr: 'résiliation pour convenance à la demande du centre',
    confidentialityUntil: '2031-06-03',
  },
  'quota-warning': {
    ...lc,
    checkpointOn: '2026-03-01',
    candidates: 150,
    target: 600,
    projected: 450,
    deadlineOn: '2028-03-01',
    monthsElapsed: 12,
  },
  'badge-reminder': { ...lc, referentName: 'Camille Martin', badgeDueOn: '2026-09-01', daysLeft: 30 },
  'referent-contribution-warning': { ...lc, referentName: 'Camille Martin', agrementYear: 2, days: 1.5, yearEndsOn: '2027-01-30' },
  'referent-training-required': { ...lc, referentName: 'Dominique Leroy', changedOn: '2026-02-02' },
  'cahier-change-notice': {
    ...lc,
    notifiedOn: '2026-01-15',
    applyBy: '2026-02-15',
    effectiveOn: '2026-03-01',
    summary: 'Un poste informatique de secours pour 10 candidats au lieu de 20.',
  },
  'cahier-minor-change-notice': {
    ...lc,
    notifiedOn: '2026-01-15',
    effectiveOn: '2026-03-01',
    summary: 'Nouvelle configuration recommandée des navigateurs des postes de certification.',
    version: '2026-03',
  },
  'force-majeure-started': { ...lc, since: '2026-01-10', terminatesOn: '2026-03-10' },
  'force-majeure-ended': { ...lc, since: '2026-01-10', endedOn: '2026-02-01' },
  'labour-documents-requested': { ...lc, requestedOn: '2026-03-02', dueOn: '2026-03-17' },
  'planned-sessions-affected': { ...lc, trigger: 'suspended', eventOn: '2026-03-01', blocked: [affectedLine], atRisk: [] },
  'control-visit-notice': {
    organisationName: "Université d'Angers",
    reference: 'AGR-3F2A9C1B',
    visitOn: '2026-05-12',
    letterSentBy: '2026-05-04',
  },
  'inspector-assignment': {
    inspectorName: 'Nadia Haddad',
    organisationName: "Université d'Angers",
    department: '49',
    visitOn: '2026-05-12',
    kind: 'announced',
    letterSentBy: '2026-05-04',
    costEur: 120,
    visitId: 'V-1',
  },
  'visit-findings-proposal': {
    ...lc,
    visitOn: '2026-05-12',
    inspectorName: 'Nadia Haddad',
    proposalKind: 'breach-notice',
    proposalRuleId: 'BRE-1',
    proposedOn: '2026-05-13',
    failedItems: [{ label: 'Locaux et équipements', notes: 'postes sans écran de confidentialité' }],
  },
  'session-finalisation-reminder': {
    sessionId: 'S-1234',
    sessionDate: '2026-03-28',
    deadlineAt: '2026-03-30T15:00:00Z',
    timeZone: 'Europe/Paris',
    hoursLeft: 24,
    centreName: "Université d'Angers",
  },
  'session-finalisation-overdue': {
    centreName: "Université d'Angers",
    sessionId: 'S-1234',
    sessionDate: '2026-03-28',
    deadlineAt: '2026-03-30T15:00:00Z',
    timeZone: 'Europe/Paris',
  },
  'session-remedy-required': {
    sessionId: 'S-1234',
    centreName: "Université d'Angers",
    sessionDate: '2026-03-28',
    dueOn: '2026-04-02',
    timeZone: 'Europe/Paris',
    affected: ['c3', 'c7'],
    incidents: ['Coupure du réseau pendant 20 minutes'],
  },
  'session-remedy-overdue': {
    sessionId: 'S-1234',
    centreName: "Université d'Angers",
    sessionDate: '2026-03-28',
    dueOn: '2026-04-02',
    timeZone: 'Europe/Paris',
    affected: 'all',
    incidents: ['Salle non chauffée', 'Ordinateurs en panne'],
  },
  'statement-prepared': statement,
  'statement-reminder': { ...statement, overdue: true },
  'statement-overdue': statement,
  'audit-checkpoint': {
    headId: '4821',
    headHash: 'a'.repeat(64),
    count: 4821,
    at: '2026-03-02T09:00:00.000Z',
    keyId: 'prod-2026',
    signature: 'b'.repeat(64),
    file: 'checkpoint-20260302T090000000Z-4821.json',
    sink: '/var/lib/pix/audit-checkpoints',
    json: '{"headId":"4821"}',
  },
};

function render<N extends TemplateName>(name: N, overrides: Partial<TemplateDataMap[N]> = {}) {
  return renderEmail(name, { ...SAMPLES[name], ...overrides });
}

const RULES_CITED: Record<TemplateName, string[]> = {
  'statement-prepared': ['BIL-1', 'BIL-2'],
  'statement-reminder': ['BIL-1'],
  'statement-overdue': ['BIL-1'],
  // No rule ID covers the log itself; DOMAIN's actors section: the legal team's acts are audited.
  'audit-checkpoint': ['issue 12', 'SUS-', 'BRE-', 'TER-'],
  'application-acknowledged': ['APP-1', 'APP-7'],
  'application-incomplete': ['DOC-4', 'APP-7'],
  'application-admissible': ['APP-2', 'APP-4', 'APP-3'],
  'application-rejected': ['APP-2', 'ELIG-'],
  'agrement-granted': ['APP-5', 'APP-8'],
  'attestation-issued': ['APP-6'],
  'application-overdue': ['APP-7'],
  'control-visit-notice': ['VIS-2', 'VIS-3', 'APP-3'],
  'inspector-assignment': ['VIS-1', 'VIS-2', 'VIS-5'],
  'visit-findings-proposal': ['VIS-4', 'BRE-4'],
  'session-finalisation-reminder': ['SES-10'],
  'session-finalisation-overdue': ['SES-10'],
  'session-remedy-required': ['SES-12'],
  'session-remedy-overdue': ['SES-12'],
  'agrement-renewal-reminder': ['AGR-1', 'AGR-2'],
  'agrement-renewal-missed': ['AGR-2', 'AGR-4'],
  'agrement-renewal-missed-operations': ['AGR-2'],
  'agrement-renewed': ['AGR-3'],
  'agrement-expired': ['AGR-4', 'TER-5'],
  'agrement-suspended': ['SUS-1', 'SUS-2', 'SUS-3'],
  'agrement-suspension-lifted': ['SUS-4'],
  'control-visit-demanded': ['SUS-5', 'VIS-3'],
  'breach-notice': ['BRE-1', 'BRE-2'],
  'breach-cured': ['BRE-3'],
  'termination-proposed': ['BRE-4', 'QUO-2', 'SUS-5', 'REF-3', 'TER-3', 'BRE-1'],
  'breach-proposed': ['REF-3', 'BRE-4'],
  'termination-notice': ['TER-1', 'QUO-2', 'AGR-5'],
  'agrement-terminated': ['TER-5'],
  'quota-warning': ['QUO-1', 'QUO-3'],
  'badge-reminder': ['REF-3'],
  'referent-contribution-warning': ['REF-4'],
  'referent-training-required': ['REF-2', 'REF-5'],
  'cahier-change-notice': ['AGR-5'],
  'cahier-minor-change-notice': ['AGR-5', 'AGR-6'],
  'force-majeure-started': ['TER-3'],
  'force-majeure-ended': ['TER-3'],
  'labour-documents-requested': ['TER-4'],
  'planned-sessions-affected': ['SES-9', 'SUS-2', 'SUS-6', 'TER-3', 'TER-5', 'AGR-4', 'BRE-1', 'SES-7'],
};

/** The reference every subject carries: the application's, or the agrément's for the lifecycle templates. */
/** What the subject names: the agrément or application reference, or the visit's centre, or the session. */
const referenceOf = (name: TemplateName): string => {
  const sample = SAMPLES[name] as {
    agrementReference?: string;
    reference?: string;
    sessionId?: string;
    inspectorName?: string;
    month?: string;
  };
  if (name === 'audit-checkpoint') return '4821'; // issue 12: the checkpoint's head entry
  if (sample.sessionId) return sample.sessionId;
  if (sample.month) return sample.month; // BIL-1: the statement's month
  if (sample.inspectorName && !sample.agrementReference) return "Université d'Angers";
  return sample.agrementReference ?? sample.reference ?? base.applicationReference;
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
    expect(subject).toContain(referenceOf(name));
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="fr"/);
    expect(html).toContain(`<title>${subject.replace(/'/g, '&#x27;')}</title>`);
    // Who or what the e-mail is about: the centre, or (issue 12) the audit log checkpoint's file.
    const about =
      name === 'audit-checkpoint'
        ? ['checkpoint-20260302T090000000Z-4821.json', 'checkpoint-20260302T090000000Z-4821.json']
        : ['Université d&#x27;Angers', "Université d'Angers"];
    expect(html).toContain(about[0]);
    expect(html).not.toMatch(/\{\{|\}\}/);
    expect(text).toContain(about[1]);
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
    expect(text).toContain(
      "- Entrée en vigueur de la convention d'agrément : 1er mars 2025, date de réception de la présente attestation.",
    );
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
      .filter((field) => !DEFAULTED_FIELDS[name].includes(field))
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
    expect(() => render('application-incomplete', { missingPieces: [{ type: 'referent-cv', reason: 'missing' } as never] })).toThrow(
      TemplateRenderError,
    );
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

// ---------------------------------------------------------------------------------------------
// The agrément lifecycle (issue 3)
// ---------------------------------------------------------------------------------------------

/** Collapses whitespace (incl. the non-breaking spaces of euros and numbers) so sentences compare simply. */
const flat = (s: string) => s.replace(/\s+/g, ' ');

const TO_PIX: Partial<Record<TemplateName, 'operations' | 'legal'>> = {
  'agrement-renewal-missed-operations': 'operations',
  'termination-proposed': 'legal',
  'breach-proposed': 'legal',
  'visit-findings-proposal': 'legal',
};
const LIFECYCLE = TEMPLATE_NAMES.filter((name) => 'agrementReference' in SAMPLES[name]);

describe('agrément lifecycle templates (issue 3): who they address', () => {
  it('covers the 25 lifecycle templates (VIS-4 findings, the AGR-5 non-substantial notice, the SES-9 planned sessions affected and the REF-4 warning included), each naming the agrément and the organisation', () => {
    expect(LIFECYCLE).toHaveLength(25);
    for (const name of LIFECYCLE) expect(REQUIRED_FIELDS[name].slice(0, 2)).toEqual(['organisationName', 'agrementReference']);
  });

  it.each(LIFECYCLE)('%s: formal French to the centre, or a plain note to Pix operations / the legal team', (name) => {
    const { text, html } = render(name);
    expect(text).toContain('AGR-3F2A9C1B');
    expect(html).toContain('AGR-3F2A9C1B');
    if (TO_PIX[name]) {
      expect(text).toMatch(/^Bonjour,\n/);
      expect(text).not.toContain('Madame, Monsieur');
      expect(text.trimEnd()).toMatch(/Moteur d'agrément Pix \(message automatique\)$/);
    } else {
      expect(text).toMatch(/^Madame, Monsieur,\n/);
      expect(text).toContain("Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.");
      expect(text.trimEnd()).toMatch(/L'équipe Centres de certification\nGIP Pix$/);
    }
  });

  it('AGR-6, Conv art. 8: omitted parameters come from PARAMETERS', () => {
    expect(DEFAULTED_FIELDS['breach-notice']).toEqual(['cureDays']);
    expect(DEFAULTED_FIELDS['control-visit-demanded']).toEqual(['costCapEur', 'answerMonths']);
    expect(DEFAULTED_FIELDS['application-acknowledged']).toEqual(['procedureMonths']);
    const { costCapEur: _cap, ...withoutCap } = SAMPLES['control-visit-demanded'];
    expect(flat(renderEmail('control-visit-demanded', withoutCap).text)).toContain(
      `dans la limite de ${PARAMETERS.visits.controlVisitCapEur} € par contrôle`,
    );
    expect(flat(render('breach-notice').text)).toContain(`délai de ${PARAMETERS.breach.cureDays} jours à compter de l'envoi`);
  });
});

describe('agrement-renewal-reminder (AGR-1, AGR-2)', () => {
  it('AGR-1, AGR-2: no tacit renewal; the request is due 3 months before the term, with the days left', () => {
    const { subject, text, html } = render('agrement-renewal-reminder');
    expect(subject).toBe('Renouvellement de votre agrément Pix (réf. AGR-3F2A9C1B) : demande à déposer au plus tard le 29 février 2028');
    expect(text).toContain("votre organisme, Université d'Angers (référence AGR-3F2A9C1B), arrive à son terme le 31 mai 2028.");
    expect(text).toContain('Cet agrément ne peut être ni renouvelé ni prorogé de manière tacite.');
    expect(text).toContain('au moins 3 mois avant son terme, soit au plus tard le 29 février 2028.');
    expect(text).toContain('Il vous reste 30 jours pour déposer votre demande.');
    expect(html).toContain('<strong>au plus tard le 29 février 2028</strong>');
  });

  it('AGR-2: one day left (singular), or the deadline is today', () => {
    expect(render('agrement-renewal-reminder', { daysLeft: 1 }).text).toContain('Il vous reste 1 jour pour déposer votre demande.');
    const today = render('agrement-renewal-reminder', { daysLeft: 0 }).text;
    expect(today).toContain("Votre demande doit être déposée au plus tard aujourd'hui.");
    expect(today).not.toContain('Il vous reste');
  });

  it('AGR-2: daysLeft must be a non-negative integer', () => {
    expect(() => render('agrement-renewal-reminder', { daysLeft: -3 })).toThrow(/"daysLeft" must be a non-negative integer/);
  });
});

describe('agrement-renewal-missed (AGR-2, AGR-4) and its operations alert (AGR-2)', () => {
  it('AGR-2, AGR-4: the centre learns that the deadline passed and that the agrément expires at its term', () => {
    const { subject, text } = render('agrement-renewal-missed');
    expect(subject).toBe("Agrément Pix (réf. AGR-3F2A9C1B) : demande de renouvellement non reçue, fin de l'agrément le 31 mai 2028");
    expect(text).toContain('devait nous parvenir au plus tard le 29 février 2028, soit 3 mois avant son terme.');
    expect(text).toContain("le GIP Pix n'a reçu aucune demande de renouvellement.");
    expect(text).toContain('il expirera à son terme, le 31 mai 2028, faute de renouvellement accepté par le GIP Pix avant cette date.');
    expect(text).toContain('À compter du 31 mai 2028, votre centre ne pourra plus organiser de sessions de certification Pix.');
  });

  it('AGR-2: operations get the deadline and the term', () => {
    const { subject, text, html } = render('agrement-renewal-missed-operations');
    expect(subject).toBe("[Renouvellement non demandé] Agrément AGR-3F2A9C1B (Université d'Angers) : terme le 31 mai 2028");
    expect(text).toContain('- Date limite de la demande de renouvellement : 29 février 2028');
    expect(text).toContain("- Terme de l'agrément : 31 mai 2028");
    expect(text).toContain('Le centre en a été informé par un message distinct.');
    expect(html).toMatch(/<th scope="row"[^>]*>Date limite de la demande de renouvellement<\/th><td[^>]*>29 février 2028<\/td>/);
  });
});

describe('agrement-renewed (AGR-3)', () => {
  it('AGR-3: the renewal takes effect at the previous term, for the stated duration', () => {
    const { subject, text } = render('agrement-renewed');
    expect(subject).toBe("Agrément Pix renouvelé : Université d'Angers (réf. AGR-3F2A9C1B)");
    expect(text).toContain("Le GIP Pix a accepté la demande de renouvellement de l'agrément");
    expect(text).toContain("Ce renouvellement, d'une durée de 3 ans, prend effet au terme de la période précédente");
    expect(text).toContain("- Prise d'effet du renouvellement : 31 mai 2028");
    expect(text).toContain("- Nouveau terme de l'agrément : 31 mai 2031");
    expect(text).toContain('au moins 3 mois avant ce nouveau terme.');
  });

  it('AGR-3: one year (singular "an")', () => {
    expect(render('agrement-renewed', { years: 1, newTermOn: '2029-05-31' }).text).toContain("d'une durée de 1 an,");
  });
});

describe('agrement-expired (AGR-4, TER-5)', () => {
  it('AGR-4, TER-5: no more sessions, sums payable at once, confidentiality for 5 more years', () => {
    const { subject, text } = render('agrement-expired');
    expect(subject).toBe("Agrément Pix (réf. AGR-3F2A9C1B) : fin de l'agrément au 31 mai 2028");
    expect(text).toContain('(référence AGR-3F2A9C1B), a pris fin le 31 mai 2028.');
    expect(text).toContain('- votre organisme ne peut plus organiser de sessions de certification Pix');
    expect(text).toContain('- toutes les sommes dues au GIP Pix restent dues et deviennent immédiatement exigibles ;');
    expect(text).toContain("- les obligations de confidentialité continuent de s'appliquer pendant 5 ans, soit jusqu'au 31 mai 2033.");
  });
});

describe('agrement-suspended (SUS-1, SUS-2, SUS-3)', () => {
  it('SUS-1: immediate effect, with the reason', () => {
    const { subject, text } = render('agrement-suspended');
    expect(subject).toBe('Suspension de votre agrément Pix (réf. AGR-3F2A9C1B) à compter du 1er mars 2026');
    expect(text).toContain('Le GIP Pix suspend, avec effet immédiat à compter du 1er mars 2026,');
    expect(text).toContain('Motif de la suspension : Sessions organisées sans surveillant désigné.');
  });

  it('SUS-2: no sessions, no registrations, no claiming the agrément; SUS-3: amounts owed payable at once', () => {
    const { text } = render('agrement-suspended');
    expect(text).toContain('- votre centre ne peut organiser aucune session de certification Pix ;');
    expect(text).toContain("- il ne peut procéder à aucune inscription de candidats en vue d'une session ;");
    expect(text).toContain("- il ne peut se prévaloir de l'agrément ni de la convention d'agrément auprès de tiers ;");
    expect(text).toContain(
      'Toutes les sommes dues au GIP Pix restent dues et deviennent immédiatement exigibles du seul fait de la suspension.',
    );
  });

  it('SUS-1: the reason is HTML-escaped in the html part', () => {
    const { html, text } = render('agrement-suspended', { reason: 'Sessions <b>non surveillées</b> & PV absents' });
    expect(html).toContain('Sessions &lt;b&gt;non surveillées&lt;/b&gt; &amp; PV absents');
    expect(text).toContain('Sessions <b>non surveillées</b> & PV absents');
  });
});

describe('agrement-suspension-lifted (SUS-4)', () => {
  it('SUS-4: gives the lifting and the suspension dates; sessions may resume', () => {
    const { subject, text } = render('agrement-suspension-lifted');
    expect(subject).toBe('Levée de la suspension de votre agrément Pix (réf. AGR-3F2A9C1B)');
    expect(text).toContain('Le GIP Pix lève, à compter du 20 mars 2026, la suspension');
    expect(text).toContain('prononcée le 1er mars 2026.');
    expect(text).toContain('votre centre peut de nouveau organiser des sessions de certification Pix, inscrire des candidats');
    expect(text).not.toContain('Motif');
  });

  it('SUS-4: an optional reason', () => {
    expect(render('agrement-suspension-lifted', { reason: 'Surveillants désignés.' }).text).toContain('Motif : Surveillants désignés.');
  });
});

describe('control-visit-demanded (SUS-5, VIS-3)', () => {
  it('SUS-5: answer within 1 month; refusal or no answer leads to termination', () => {
    const { subject, text } = render('control-visit-demanded');
    expect(subject).toBe(
      'Agrément Pix (réf. AGR-3F2A9C1B) : demande de visite de contrôle, réponse attendue au plus tard le 28 février 2026',
    );
    expect(text).toContain('par la présente demande en date du 31 janvier 2026, une visite de contrôle de votre centre');
    expect(text).toContain('au plus tard le 28 février 2026, soit dans un délai de 1 mois.');
    expect(text).toContain("Le refus de cette visite, ou l'absence de réponse dans ce délai, entraîne la résiliation de l'agrément.");
  });

  it("VIS-3: the cost is at the centre's charge within the cap", () => {
    expect(flat(render('control-visit-demanded').text)).toContain(
      'Les frais de la visite de contrôle sont à la charge de votre organisme, dans la limite de 120 € par contrôle.',
    );
    expect(flat(render('control-visit-demanded', { costCapEur: 99.5 }).text)).toContain('dans la limite de 99,50 € par contrôle.');
  });
});

describe('breach-notice (BRE-1, BRE-2)', () => {
  it('BRE-1: letter sent 10 March 2026 → cure due 9 April 2026 (30 days from sending)', () => {
    const { subject, text, html } = render('breach-notice');
    expect(subject).toBe('Mise en demeure : manquement grave (agrément Pix réf. AGR-3F2A9C1B), à corriger au plus tard le 9 avril 2026');
    expect(text).toContain(
      'Par lettre recommandée avec accusé de réception envoyée le 10 mars 2026, le GIP Pix a mis en demeure votre organisme',
    );
    expect(text).toContain('« Absence de surveillant lors de la session du 2 mars 2026. »');
    expect(text).toContain(
      "Votre organisme dispose d'un délai de 30 jours à compter de l'envoi de cette lettre pour remédier à ce manquement. Le manquement doit être corrigé au plus tard le 9 avril 2026.",
    );
    expect(text).toContain(
      "À défaut, le GIP Pix pourra prononcer de plein droit la résiliation de la convention d'agrément, avec effet immédiat.",
    );
    expect(text).toContain('seule la lettre recommandée fait foi.');
    expect(html).toContain('<strong>Le manquement doit être corrigé au plus tard le 9 avril 2026.</strong>');
  });

  it('BRE-2: nothing is said about a suspension when no day is deducted', () => {
    expect(render('breach-notice').text).not.toMatch(/suspension|diminué/);
  });

  it('BRE-2: after 10 days of suspension, the period is shortened accordingly (cure due 30 March 2026)', () => {
    const { text } = render('breach-notice', { suspendedDaysDeducted: 10, cureDueOn: '2026-03-30' });
    expect(text).toContain(
      "pour remédier à ce manquement, diminué de la durée de la suspension déjà écoulée, soit 10 jours, conformément à la convention d'agrément. Le manquement doit être corrigé au plus tard le 30 mars 2026.",
    );
    expect(render('breach-notice', { suspendedDaysDeducted: 1, cureDueOn: '2026-04-08' }).text).toContain('soit 1 jour,');
  });

  it('BRE-2: suspendedDaysDeducted must be a non-negative integer', () => {
    expect(() => render('breach-notice', { suspendedDaysDeducted: -1 })).toThrow(/"suspendedDaysDeducted" must be a non-negative integer/);
    expect(() => render('breach-notice', { suspendedDaysDeducted: 2.5 })).toThrow(MissingTemplateDataError);
  });
});

describe('breach-cured (BRE-3)', () => {
  it('BRE-3: the cure date and the evidence; the procedure is closed', () => {
    const { subject, text } = render('breach-cured');
    expect(subject).toBe('Agrément Pix (réf. AGR-3F2A9C1B) : manquement corrigé, procédure de mise en demeure close');
    expect(text).toContain("a remédié le 25 mars 2026 au manquement ayant fait l'objet de la mise en demeure");
    expect(text).toContain('Éléments retenus : Liste des surveillants désignés et PV de session conformes.');
    expect(text).toContain('La procédure de mise en demeure est close.');
  });
});

describe('termination-proposed (BRE-4 …), to the Pix legal team', () => {
  it('BRE-4, BRE-1: the engine proposes, a person decides in the back office', () => {
    const { subject, text } = render('termination-proposed');
    expect(subject).toBe("[Décision requise] Proposition de résiliation : agrément AGR-3F2A9C1B (Université d'Angers), règle BRE-1");
    expect(text).toContain("Le moteur d'agrément propose la résiliation de l'agrément AGR-3F2A9C1B (organisme : Université d'Angers).");
    expect(text).toContain('- Date de la proposition : 10 avril 2026');
    expect(text).toContain('- Règle : BRE-1');
    expect(text).toContain('- Motif : manquement grave non corrigé dans le délai de la mise en demeure');
    expect(text).toContain(
      "Le moteur propose, une personne décide : aucune résiliation n'est prononcée tant qu'un membre de l'équipe juridique ne l'a pas confirmée.",
    );
    expect(text).toContain('Merci de confirmer ou de refuser cette proposition dans le back-office');
    expect(text).toContain('(article 26.2 de la convention)');
    expect(text).not.toContain('Consulter la proposition');
  });

  it('QUO-2: a confirmed quota proposal gives 15 days of notice; SUS-5 has no extra paragraph', () => {
    const quota = render('termination-proposed', { proposalRuleId: 'QUO-2', reasonFr: '412 candidats en 3 ans pour un seuil de 600' }).text;
    expect(quota).toContain('Si vous confirmez, la résiliation pour convenance sera notifiée au centre avec un préavis de 15 jours.');
    expect(quota).not.toContain('article 26.2');
    const visit = render('termination-proposed', { proposalRuleId: 'SUS-5', reasonFr: 'refus de la visite de contrôle' }).text;
    expect(visit).not.toMatch(/préavis|article 26\.2/);
  });

  it('BRE-4: optional back-office link (html link, url in text)', () => {
    const url = 'https://backoffice.pix.example/agrements/3f2a9c1b/propositions/BRE-1';
    const { html, text } = render('termination-proposed', { detailsUrl: url });
    expect(html).toContain(`<a href="${url}" style="color:#1d5bbf;">Consulter la proposition dans le back-office</a>`);
    expect(text).toContain(`Consulter la proposition dans le back-office : ${url}`);
  });
});

describe('breach-proposed (REF-3, BRE-4), to the Pix legal team', () => {
  it('REF-3, BRE-4: a formal notice is proposed; the legal team qualifies the breach', () => {
    const { subject, text } = render('breach-proposed');
    expect(subject).toBe(
      "[Qualification requise] Proposition de mise en demeure : agrément AGR-3F2A9C1B (Université d'Angers), règle REF-3",
    );
    expect(text).toContain(
      "Le moteur d'agrément propose l'envoi d'une mise en demeure à l'organisme Université d'Angers (agrément AGR-3F2A9C1B).",
    );
    expect(text).toContain("- Motif : badge « Référent Pix » non présenté au 2026-09-01, 6 mois après l'agrément");
    expect(text).toContain("Il revient à l'équipe juridique, et non au moteur, de qualifier ou non ce fait de manquement grave.");
    expect(text).toContain("le délai de 30 jours pour y remédier court à compter de l'envoi de la lettre.");
  });
});

describe('termination-notice (TER-1, QUO-2, AGR-5)', () => {
  it("TER-1: the centre's termination for convenience takes effect after 30 days", () => {
    const { subject, text } = render('termination-notice');
    expect(subject).toBe("Résiliation de votre convention d'agrément Pix (réf. AGR-3F2A9C1B) : prise d'effet le 3 juin 2026");
    expect(text).toContain('Nous accusons réception de la résiliation pour convenance');
    expect(text).toContain(
      "que vous nous avez notifiée le 4 mai 2026. Conformément à la convention, cette résiliation prend effet à l'issue d'un préavis de 30 jours, soit le 3 juin 2026.",
    );
    expect(text).toContain('À compter du 3 juin 2026 :');
    expect(text).toContain('- toutes les sommes dues au GIP Pix deviendront immédiatement exigibles ;');
  });

  it('QUO-2: Pix withdraws the agrément with 15 days of notice, with the count and the threshold', () => {
    const { subject, text } = render('termination-notice', { cause: 'quota', effectiveOn: '2026-05-19', candidates: 412, target: 600 });
    expect(subject).toBe("Retrait de votre agrément Pix (réf. AGR-3F2A9C1B) : prise d'effet le 19 mai 2026");
    expect(text).toContain(
      'au cours des 3 années suivant son premier agrément, le nombre minimal de candidats prévu par le cahier des charges : 412 candidats pour un seuil de 600.',
    );
    expect(text).toContain("le GIP Pix retire l'agrément de votre organisme");
    expect(text).toContain(
      "par notification du 4 mai 2026. Cette résiliation prend effet à l'issue d'un préavis de 15 jours, soit le 19 mai 2026.",
    );
    expect(text).not.toContain('Nous accusons réception');
    expect(flat(render('termination-notice', { cause: 'quota', candidates: 2140, target: 2500 }).text)).toContain(
      '2 140 candidats pour un seuil de 2 500.',
    );
  });

  it("AGR-5: after a substantial change of the cahier, effective on the new cahier's entry into force", () => {
    const { text } = render('termination-notice', { cause: 'cahier-change', noticeOn: '2026-02-01', effectiveOn: '2026-03-01' });
    expect(text).toContain(
      'que vous nous avez notifiée le 1er février 2026 à la suite de la modification substantielle du cahier des charges.',
    );
    expect(text).toContain(
      "cette résiliation prend effet à la date d'entrée en vigueur du nouveau cahier des charges, soit le 1er mars 2026.",
    );
    expect(text).not.toContain('préavis');
  });

  it('TER-1, QUO-2, AGR-5: an unknown cause, or a count without its threshold, is refused', () => {
    expect(() => render('termination-notice', { cause: 'breach' as never })).toThrow(
      /"cause" must be one of convenience, quota, cahier-change/,
    );
    expect(() => render('termination-notice', { cause: 'quota', candidates: 412 })).toThrow(/"candidates" and "target" go together/);
  });
});

describe('agrement-terminated (TER-5 + the cause rule)', () => {
  it('TER-5, TER-1: sessions refused from that date, sums payable at once, confidentiality 5 more years', () => {
    const { subject, text } = render('agrement-terminated');
    expect(subject).toBe('Résiliation de votre agrément Pix (réf. AGR-3F2A9C1B) à compter du 3 juin 2026');
    expect(text).toContain("et la convention d'agrément qui le porte sont résiliés à compter du 3 juin 2026.");
    expect(text).toContain('Motif de la résiliation : résiliation pour convenance à la demande du centre (TER-1).');
    expect(text).toContain('toute session prévue à partir de cette date est refusée ;');
    expect(text).toContain('- toutes les sommes dues au GIP Pix restent dues et deviennent immédiatement exigibles ;');
    expect(text).toContain("pendant 5 ans, soit jusqu'au 3 juin 2031.");
  });

  it('TER-5, BRE-1: the cause is the one given', () => {
    const { text } = render('agrement-terminated', {
      causeRuleId: 'BRE-1',
      causeFr: 'manquement grave non corrigé dans le délai de la mise en demeure',
    });
    expect(text).toContain('Motif de la résiliation : manquement grave non corrigé dans le délai de la mise en demeure (BRE-1).');
  });
});

describe('quota-warning (QUO-1, QUO-3), to the centre and to operations', () => {
  it('QUO-1, QUO-3: the centre gets its count, the projection, the target and the deadline', () => {
    const { subject, text } = render('quota-warning');
    expect(subject).toBe('Agrément Pix (réf. AGR-3F2A9C1B) : nombre de candidats inférieur au rythme attendu');
    expect(text).toContain(
      "Au 1er mars 2026, 12 mois après le premier agrément de votre organisme, Université d'Angers (référence AGR-3F2A9C1B), 150 candidats ont passé la certification Pix dans des sessions finalisées",
    );
    expect(text).toContain(
      "vous accueilleriez environ 450 candidats d'ici au 1er mars 2028, terme de la période de 3 ans suivant le premier agrément",
    );
    expect(text).toContain('un minimum de 600 candidats sur cette période.');
    expect(text).toContain('avec un préavis de 15 jours.');
  });

  it('QUO-1, QUO-3: operations get the same figures (a network: 2 500), explicitly or by audience', () => {
    const { subject, text, html } = render('quota-warning', { audience: 'operations', target: 2500, candidates: 600, projected: 1800 });
    expect(subject).toBe("[Rythme de candidats insuffisant] Agrément AGR-3F2A9C1B (Université d'Angers)");
    expect(text).toMatch(/^Bonjour,/);
    expect(text).toContain('- Candidats comptés (sessions finalisées) : 600');
    expect(flat(text)).toContain('- Projection au 1er mars 2028 : 1 800');
    expect(flat(text)).toContain('- Seuil à atteindre en 3 ans : 2 500');
    expect(text).toContain('Le centre a reçu le même avertissement.');
    expect(html).toContain('Rythme de candidats insuffisant</h1>');
    expect(render('quota-warning', { audience: 'centre' }).subject).toBe(render('quota-warning').subject);
  });

  it('QUO-3: one candidate (singular); an unknown audience is refused', () => {
    expect(render('quota-warning', { candidates: 1, projected: 3 }).text).toContain('1 candidat a passé la certification Pix');
    expect(() => render('quota-warning', { audience: 'legal' as never })).toThrow(/"audience" must be "centre" or "operations"/);
  });
});

describe('badge-reminder (REF-3)', () => {
  it('REF-3: a Pix-certified profile and the "Référent Pix" badge within 6 months of the grant', () => {
    const { subject, text } = render('badge-reminder');
    expect(subject).toBe('Agrément Pix (réf. AGR-3F2A9C1B) : badge « Référent Pix » à présenter au plus tard le 1er septembre 2026');
    expect(text).toContain('Camille Martin, référent Pix de votre centre');
    expect(text).toContain('ne justifie pas de qualifications reconnues dans le domaine du numérique.');
    expect(text).toContain("un profil certifié Pix et le badge « Référent Pix » dans les 6 mois suivant l'agrément");
    expect(text).toContain('soit au plus tard le 1er septembre 2026.');
    expect(text).toContain('Il reste 30 jours avant cette échéance.');
  });
});

describe('referent-contribution-warning (REF-4), to the centre and to operations', () => {
  it('REF-4: the centre learns the days recorded, the days required and the last day of the agrément year', () => {
    const { subject, text, html } = render('referent-contribution-warning');
    expect(subject).toBe('Agrément Pix (réf. AGR-3F2A9C1B) : contribution du référent Pix à compléter au plus tard le 30 janvier 2027');
    expect(flat(text)).toContain("à hauteur d'au moins 4 jours.");
    expect(flat(text)).toContain(
      "Pour l'année 2 de l'agrément de votre organisme, Université d'Angers (référence AGR-3F2A9C1B), 1,5 jour de contribution a été enregistré pour Camille Martin, sur les 4 jours requis.",
    );
    expect(text).toContain("au plus tard le 30 janvier 2027, dernier jour de cette année d'agrément");
    expect(html).toContain('au plus tard le 30 janvier 2027</strong>');
  });

  it('REF-4: operations get the same figures in a plain note; the requirement defaults to the parameter', () => {
    const { subject, text } = render('referent-contribution-warning', { audience: 'operations', days: 0 });
    expect(subject).toBe("[Contribution du référent insuffisante] Agrément AGR-3F2A9C1B (Université d'Angers)");
    expect(text).toMatch(/^Bonjour,/);
    expect(text).toContain('- Jours de contribution enregistrés : 0');
    expect(text).toContain(`- Jours requis par année d'agrément : ${PARAMETERS.referent.yearlyContributionDays}`);
    expect(text).toContain("- Fin de l'année d'agrément : 30 janvier 2027");
    expect(DEFAULTED_FIELDS['referent-contribution-warning']).toEqual(['audience', 'required']);
  });

  it('REF-4: several days take the plural; a warning without a shortfall or for another audience is refused', () => {
    expect(flat(render('referent-contribution-warning', { days: 3 }).text)).toContain(
      '3 jours de contribution ont été enregistrés pour Camille Martin',
    );
    expect(() => render('referent-contribution-warning', { days: 4 })).toThrow(/must fall short of "required"/);
    expect(() => render('referent-contribution-warning', { audience: 'legal' as never })).toThrow(
      /"audience" must be "centre" or "operations"/,
    );
  });
});

describe('referent-training-required (REF-2, REF-5)', () => {
  it('REF-5, REF-2: a new référent completes the Pix training before any session', () => {
    const { subject, text } = render('referent-training-required');
    expect(subject).toBe('Agrément Pix (réf. AGR-3F2A9C1B) : formation obligatoire du nouveau référent Pix');
    expect(text).toContain(
      'Nous avons bien enregistré, le 2 février 2026, la désignation de Dominique Leroy comme référent Pix de votre centre',
    );
    expect(text).toContain("avant l'organisation de toute session de certification.");
    expect(text).toContain("Tant que cette formation n'a pas été suivie, votre centre ne peut organiser aucune session.");
  });
});

describe('cahier-minor-change-notice (AGR-5, Conv art. 8.2)', () => {
  it("AGR-5: a non-substantial change applies after 1 month's notice (art. 8.2), from its effective date", () => {
    const { subject, text } = render('cahier-minor-change-notice');
    expect(subject).toBe(
      'Agrément Pix (réf. AGR-3F2A9C1B) : évolution non substantielle du cahier des charges, applicable le 1er mars 2026',
    );
    expect(text).toContain('Par la présente notification en date du 15 janvier 2026');
    expect(text).toContain("Conformément à l'article 8.2 de la convention d'agrément");
    expect(text).toContain("Elle s'applique après un préavis de 1 mois à compter de cette notification, soit à partir du 1er mars 2026");
    expect(text).toContain('Nouvelle configuration recommandée des navigateurs');
  });
});

describe('cahier-change-notice (AGR-5)', () => {
  it('AGR-5: apply within 1 month, or terminate for convenience within that month, effective with the new cahier', () => {
    const { subject, text } = render('cahier-change-notice');
    expect(subject).toBe(
      'Agrément Pix (réf. AGR-3F2A9C1B) : modification substantielle du cahier des charges, à appliquer au plus tard le 15 février 2026',
    );
    expect(text).toContain('Par la présente notification en date du 15 janvier 2026');
    expect(text).toContain('Le nouveau cahier des charges entre en vigueur le 1er mars 2026.');
    expect(text).toContain('Un poste informatique de secours pour 10 candidats au lieu de 20.');
    expect(text).toContain("dispose d'un délai de 1 mois à compter de cette notification, soit jusqu'au 15 février 2026, pour :");
    expect(text).toContain('- appliquer le nouveau cahier des charges ;');
    expect(text).toContain(
      "Cette résiliation prendra effet à la date d'entrée en vigueur du nouveau cahier des charges, le 1er mars 2026.",
    );
  });
});

describe('force-majeure-started and force-majeure-ended (TER-3)', () => {
  it('TER-3: the convention is suspended; terminated automatically after 2 months unless agreed otherwise', () => {
    const { subject, text } = render('force-majeure-started');
    expect(subject).toBe('Agrément Pix (réf. AGR-3F2A9C1B) : convention suspendue pour force majeure depuis le 10 janvier 2026');
    expect(text).toContain('a été constaté à compter du 10 janvier 2026.');
    expect(text).toContain(
      'son exécution est suspendue : pendant cette période, votre centre ne peut pas organiser de sessions de certification Pix.',
    );
    expect(text).toContain(
      'Si la force majeure dure plus de 2 mois, la convention sera résiliée automatiquement le 10 mars 2026, sauf accord contraire des parties.',
    );
  });

  it('TER-3: the end of force majeure lifts the suspension', () => {
    const { subject, text } = render('force-majeure-ended');
    expect(subject).toBe('Agrément Pix (réf. AGR-3F2A9C1B) : fin de la suspension pour force majeure');
    expect(text).toContain('La situation de force majeure constatée à compter du 10 janvier 2026 a pris fin le 1er février 2026.');
    expect(text).toContain('votre centre peut de nouveau organiser des sessions de certification Pix');
  });
});

describe('labour-documents-requested (TER-4)', () => {
  it('TER-4: labour-law documents within 15 days; failure may lead to termination without indemnity', () => {
    const { subject, text } = render('labour-documents-requested');
    expect(subject).toBe('Agrément Pix (réf. AGR-3F2A9C1B) : pièces relatives au droit du travail à fournir au plus tard le 17 mars 2026');
    expect(text).toContain('par la présente demande en date du 2 mars 2026');
    expect(text).toContain('(articles L. 8222-1 et R. 8222-1 du Code du travail)');
    expect(text).toContain('dans un délai de 15 jours à compter de la demande, soit au plus tard le 17 mars 2026.');
    expect(text).toContain("le GIP Pix se réserve le droit de résilier la convention d'agrément, sans indemnité");
  });
});

describe('planned-sessions-affected (SES-9, SUS-2, SUS-6, TER-3, TER-5, AGR-4, BRE-1)', () => {
  it('SES-9 SUS-2: lists each blocked session with its date, local times, place, rule and the day from which, in French', () => {
    const { subject, text, html } = render('planned-sessions-affected');
    expect(subject).toBe('Agrément Pix (réf. AGR-3F2A9C1B) : sessions planifiées concernées (1)');
    expect(flat(text)).toContain(
      "Le GIP Pix a suspendu, avec effet immédiat à compter du 1er mars 2026, l'agrément de votre organisme, Université d'Angers (référence AGR-3F2A9C1B).",
    );
    expect(text).toContain('Sessions déjà planifiées qui ne peuvent pas se tenir (SES-9) :');
    expect(flat(text)).toContain(
      '- session S-42 : le 26 mars 2026, de 14 h à 16 h 30 (heure locale, fuseau Europe/Paris), Salle B12, 12 rue des Écoles, 49000 Angers — motif : agrément suspendu (SUS-2), à compter du 1er mars 2026 ;',
    );
    expect(text).toContain('rembourser intégralement ou proposer une session ultérieure (SES-7)');
    expect(text).not.toContain("n'est concernée");
    expect(html).toContain('<strong>26 mars 2026</strong>, de 14 h à 16 h 30');
  });

  it('SES-9: says so when no planned session is affected', () => {
    const { subject, text } = render('planned-sessions-affected', { trigger: 'terminated', eventOn: '2026-07-01', blocked: [] });
    expect(subject).toBe('Agrément Pix (réf. AGR-3F2A9C1B) : sessions planifiées concernées (aucune)');
    expect(flat(text)).toContain('a pris fin le 1er juillet 2026 : aucune session ne peut plus se tenir (TER-5).');
    expect(text).toContain("Aucune session déjà planifiée par votre centre n'est concernée.");
    expect(text).not.toContain('Sessions déjà planifiées');
  });

  it("SUS-6: a network's member centre is told the network's agrément is suspended as a whole, with its own sessions", () => {
    const line = {
      ...affectedLine,
      centreName: 'IUT de Cholet',
      ruleId: 'SUS-2, SUS-6',
      reasonFr: 'agrément du réseau suspendu dans son ensemble',
    };
    const { text } = render('planned-sessions-affected', {
      organisationName: 'Réseau Loire',
      centreName: 'IUT de Cholet',
      network: true,
      member: true,
      blocked: [line],
    });
    expect(flat(text)).toContain(
      "Le GIP Pix a suspendu dans son ensemble, avec effet immédiat à compter du 1er mars 2026, l'agrément du réseau Réseau Loire, dont votre centre, IUT de Cholet, est membre (référence AGR-3F2A9C1B).",
    );
    expect(flat(text)).toContain('dans aucun centre du réseau (SUS-2, SUS-6)');
    expect(flat(text)).toContain('- session S-42 (IUT de Cholet) : le 26 mars 2026');
    expect(flat(text)).toContain('agrément du réseau suspendu dans son ensemble (SUS-2, SUS-6)');
  });

  it('BRE-1: under a formal notice alone, the sessions after the cure is due are listed at risk, not blocked', () => {
    const atRisk = [{ ...affectedLine, date: '2026-04-20', ruleId: 'BRE-1', reasonFr: 'mise en demeure en cours', fromOn: '2026-04-10' }];
    const { subject, text } = render('planned-sessions-affected', {
      trigger: 'breach-notified',
      eventOn: '2026-03-10',
      cureDueOn: '2026-04-09',
      blocked: [],
      atRisk,
    });
    expect(subject).toContain('(1)');
    expect(flat(text)).toContain("La mise en demeure n'interdit pas, à elle seule, d'organiser des sessions.");
    expect(flat(text)).toContain(
      "qui ne pourront pas se tenir si le manquement n'est pas corrigé au plus tard le 9 avril 2026 et que le GIP Pix résilie la convention (BRE-1) :",
    );
    expect(flat(text)).toContain(
      '- session S-42 : le 20 avril 2026, de 14 h à 16 h 30 (heure locale, fuseau Europe/Paris), Salle B12, 12 rue des Écoles, 49000 Angers — résiliation possible à compter du 10 avril 2026 ;',
    );
    expect(text).not.toContain('ne peuvent pas se tenir (SES-9)');
  });

  it.each([
    ['force-majeure-started', 'est suspendue pour cas de force majeure depuis le 1er mars 2026', 'TER-3'],
    ['termination-notice', 'prendra fin le 1er mars 2026 : aucune session ne pourra se tenir à compter de cette date', 'TER-5'],
    ['expired', 'a expiré à son terme, le 1er mars 2026', 'AGR-4'],
  ] as const)('%s: says what happened (%s, %s)', (trigger, phrase, rule) => {
    const { text } = render('planned-sessions-affected', { trigger, blocked: [{ ...affectedLine, ruleId: rule }] });
    expect(flat(text)).toContain(phrase);
    expect(flat(text)).toContain(`(${rule}), à compter du`);
  });

  it('refuses inconsistent data: an unknown trigger, a session without its place or with a bad time, a notice without its cure date', () => {
    expect(() => render('planned-sessions-affected', { trigger: 'renewed' as never })).toThrow(/"trigger" must be one of/);
    expect(() => render('planned-sessions-affected', { blocked: [{ ...affectedLine, place: '' }] })).toThrow(/session 0: "place"/);
    expect(() => render('planned-sessions-affected', { blocked: [{ ...affectedLine, startTime: '9h' }] })).toThrow(
      /session 0: "startTime" must be HH:MM/,
    );
    expect(() => render('planned-sessions-affected', { blocked: [{ ...affectedLine, timeZone: 'Mars/Olympus' }] })).toThrow(
      /session 0: "timeZone"/,
    );
    expect(() => render('planned-sessions-affected', { trigger: 'breach-notified' })).toThrow(/"cureDueOn" is required/);
    expect(() => render('planned-sessions-affected', { count: 3 })).toThrow(/"count" must be the number of sessions listed/);
  });
});
