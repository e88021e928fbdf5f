/**
 * The mailer over real SMTP: a bare smtp-server started here (127.0.0.1, port 0) receives what
 * createMailer sends, and mailparser reads it back. Then the embedded capture server, the way a local
 * run uses it.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MailCapture, startMailCapture } from '../../../../src/mail/infra/capture-server';
import { createMailer, type Mailer, toMessageIdHeader } from '../../../../src/mail/infra/mailer';
import { type TemplateDataMap, type TemplateName } from '../../../../src/mail/infra/templates';

interface Received {
  envelopeFrom: string;
  envelopeTo: string[];
  raw: string;
  parsed: ParsedMail;
}

const FROM = '"GIP Pix – Centres de certification" <agrement@pix.example>';
const APPLICANT = 'referent@univ-angers.example';
const OPERATIONS = 'operations@pix.example';

const base = { applicationReference: 'AGR-2025-0042', organisationName: "Université d'Angers" };

interface Case<N extends TemplateName> {
  template: N;
  rules: string;
  to: string;
  data: TemplateDataMap[N];
  subject: string;
  keySentence: string;
  /** The same information as it reads in the HTML part, tags removed. */
  htmlKey: string;
}

const CASES: Array<Case<TemplateName>> = [
  {
    template: 'application-acknowledged',
    rules: 'APP-1, APP-7',
    to: APPLICANT,
    data: { ...base, submittedAt: '2025-01-31T10:15:00Z' },
    subject: "Accusé de réception de votre demande d'agrément Pix (réf. AGR-2025-0042)",
    keySentence: "déposée le 31 janvier 2025 pour votre organisme, Université d'Angers.",
    htmlKey: "déposée le 31 janvier 2025 pour votre organisme, Université d'Angers.",
  },
  {
    template: 'application-incomplete',
    rules: 'DOC-4, APP-7',
    to: APPLICANT,
    data: {
      ...base,
      missingPieces: [{ type: 'referent-cv', label: 'CV du référent Pix', reason: 'missing' }],
    },
    subject: "Demande d'agrément Pix (réf. AGR-2025-0042) : dossier incomplet",
    keySentence: 'le délai de 2 mois de la procédure est suspendu',
    htmlKey: 'le délai de 2 mois de la procédure est suspendu',
  },
  {
    template: 'application-admissible',
    rules: 'APP-2, APP-4, APP-3',
    to: APPLICANT,
    data: {
      ...base,
      referentName: 'Camille Martin',
      conformityVisitRequired: true,
      conformityVisitCapEur: 250,
      training: { date: '2025-03-04', place: 'Paris' },
    },
    subject: "Demande d'agrément Pix (réf. AGR-2025-0042) : demande recevable",
    keySentence: 'Le GIP Pix invite Camille Martin, référent Pix de votre centre, à suivre la formation des référents.',
    htmlKey: 'Le GIP Pix invite Camille Martin, référent Pix de votre centre, à suivre la formation des référents.',
  },
  {
    template: 'application-rejected',
    rules: 'APP-2, ELIG-1',
    to: APPLICANT,
    data: { ...base, reasons: [], failures: [{ ruleId: 'ELIG-1', message: 'Catégorie non éligible individuellement.' }] },
    subject: "Demande d'agrément Pix (réf. AGR-2025-0042) : demande non recevable",
    keySentence: 'ELIG-1 : Catégorie non éligible individuellement.',
    htmlKey: 'ELIG-1 : Catégorie non éligible individuellement.',
  },
  {
    template: 'agrement-granted',
    rules: 'APP-5, APP-6',
    to: APPLICANT,
    data: { ...base, years: 3 },
    subject: "Agrément Pix accordé : Université d'Angers (réf. AGR-2025-0042)",
    keySentence: "l'agrément de centre de certification Pix pour une durée de 3 ans.",
    htmlKey: "l'agrément de centre de certification Pix pour une durée de 3 ans.",
  },
  {
    template: 'attestation-issued',
    rules: 'APP-6',
    to: APPLICANT,
    data: { ...base, receivedOn: '2025-03-01', termOn: '2028-02-29' },
    subject: "Attestation d'agrément Pix : Université d'Angers (réf. AGR-2025-0042)",
    keySentence: "Entrée en vigueur de la convention d'agrément : 1er mars 2025",
    htmlKey: "Entrée en vigueur de la convention d'agrément : 1er mars 2025",
  },
  {
    template: 'application-overdue',
    rules: 'APP-7',
    to: OPERATIONS,
    data: { ...base, netElapsedDays: 64, deadline: '2025-03-31', currentState: 'submitted' },
    subject: "[Délai dépassé] Demande d'agrément AGR-2025-0042 (Université d'Angers)",
    keySentence: 'Durée nette écoulée : 64 jours',
    htmlKey: 'Durée nette écoulée 64 jours',
  },
];

/** A collapsed-whitespace view, so that assertions do not depend on line folding or non-breaking spaces. */
const flat = (s: string | false | undefined) => (s || '').replace(/&nbsp;/g, ' ').replace(/\s+/g, ' ');
const htmlFlat = (s: string | false | undefined) =>
  flat((s || '').replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'")).replace(/ ([,.])/g, '$1');

describe('createMailer over a real SMTP server', () => {
  let server: SMTPServer;
  let received: Received[];
  let mailer: Mailer;

  beforeAll(async () => {
    received = [];
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('refused@')) return callback(new Error('mailbox unavailable'));
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          const raw = Buffer.concat(chunks);
          received.push({
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            raw: raw.toString('utf8'),
            parsed: await simpleParser(raw),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: FROM });
  });

  afterAll(async () => {
    mailer.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    received.length = 0;
  });

  it.each(CASES)('$rules: $template is delivered in French with its Message-ID, template header, text and html', async (c) => {
    const messageId = `${c.template}.AGR-2025-0042@agrement.pix.example`;
    const result = await mailer.send({ to: c.to, template: c.template, data: c.data, messageId });

    expect(result).toEqual({ messageId: `<${messageId}>`, subject: c.subject, accepted: [c.to], rejected: [] });
    expect(received).toHaveLength(1);
    const [{ envelopeFrom, envelopeTo, raw, parsed }] = received;
    expect(envelopeFrom).toBe('agrement@pix.example');
    expect(envelopeTo).toEqual([c.to]);
    expect(parsed.from?.value).toEqual([{ address: 'agrement@pix.example', name: 'GIP Pix – Centres de certification' }]);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((a) => a.address) : []).toEqual([c.to]);
    expect(parsed.subject).toBe(c.subject);
    expect(parsed.messageId).toBe(`<${messageId}>`);
    expect(parsed.headers.get('x-pix-template')).toBe(c.template);
    expect(parsed.headers.get('content-language')).toBe('fr');
    expect(raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(flat(parsed.text)).toContain(c.keySentence);
    expect(htmlFlat(parsed.html)).toContain(c.htmlKey);
    expect(parsed.html).toMatch(/^<!DOCTYPE html>\s*<html lang="fr"/);
  });

  it('APP-7: the same caller messageId gives the same Message-ID on a retry (idempotency key)', async () => {
    const data = CASES[0].data;
    await mailer.send({ to: APPLICANT, template: 'application-acknowledged', data, messageId: 'ack-AGR-2025-0042' });
    await mailer.send({ to: APPLICANT, template: 'application-acknowledged', data, messageId: '<ack-AGR-2025-0042>' });
    expect(received.map((r) => r.parsed.messageId)).toEqual(['<ack-AGR-2025-0042@pix.example>', '<ack-AGR-2025-0042@pix.example>']);
  });

  it('APP-7: the operations alert can carry extra headers; reserved ones cannot be overridden', async () => {
    const data = CASES[6].data;
    await mailer.send({
      to: [OPERATIONS, 'second@pix.example'],
      template: 'application-overdue',
      data,
      messageId: 'overdue-1@pix.example',
      headers: { 'X-Pix-Application': 'AGR-2025-0042' },
    });
    expect(received[0].parsed.headers.get('x-pix-application')).toBe('AGR-2025-0042');
    expect(received[0].envelopeTo).toEqual([OPERATIONS, 'second@pix.example']);

    await expect(
      mailer.send({
        to: OPERATIONS,
        template: 'application-overdue',
        data,
        messageId: 'x@pix.example',
        headers: { 'x-pix-template': 'other' },
      }),
    ).rejects.toThrow(/cannot be overridden/);
    await expect(
      mailer.send({
        to: OPERATIONS,
        template: 'application-overdue',
        data,
        messageId: 'x@pix.example',
        headers: { 'Message-ID': '<y@z>' },
      }),
    ).rejects.toThrow(/cannot be overridden/);
    expect(received).toHaveLength(1);
  });

  it('APP-5: a refused recipient is reported, the accepted one still receives the mail', async () => {
    const result = await mailer.send({
      to: [APPLICANT, 'refused@pix.example'],
      template: 'agrement-granted',
      data: CASES[4].data,
      messageId: 'granted-partial@pix.example',
    });
    expect(result.accepted).toEqual([APPLICANT]);
    expect(result.rejected).toEqual(['refused@pix.example']);
    expect(received[0].envelopeTo).toEqual([APPLICANT]);
  });

  it('DOC-4: missing template data fails before anything is sent', async () => {
    await expect(
      mailer.send({ to: APPLICANT, template: 'application-incomplete', data: { ...base }, messageId: 'inc@pix.example' }),
    ).rejects.toThrow(/"missingPieces" must be a non-empty array/);
    expect(received).toHaveLength(0);
  });

  it('a messageId that cannot be a header is refused', () => {
    expect(() => toMessageIdHeader('two words', FROM)).toThrow(/Invalid messageId/);
    expect(() => toMessageIdHeader('', FROM)).toThrow(/Invalid messageId/);
    expect(toMessageIdHeader('abc', 'agrement@pix.fr')).toBe('<abc@pix.fr>');
  });
});

describe('startMailCapture: embedded SMTP capture for local runs', () => {
  let dir: string;
  let capture: MailCapture | undefined;
  let mailer: Mailer | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pix-mail-capture-'));
  });

  afterEach(async () => {
    mailer?.close();
    await capture?.close();
    capture = undefined;
    mailer = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('APP-1, APP-7: listens on 127.0.0.1 with a real port when asked for port 0', async () => {
    capture = await startMailCapture({ port: 0, dir });
    expect(capture.port).toBeGreaterThan(0);
    expect(capture.url).toBe(`smtp://127.0.0.1:${capture.port}`);
    expect(capture.messages()).toEqual([]);
    expect(capture.renderIndexHtml()).toContain('Aucun courriel capturé pour le moment.');
  });

  it('APP-1, DOC-4: stores each mail as .eml, indexes it in memory and in index.ndjson (a line appended per mail), and serves it back', async () => {
    capture = await startMailCapture({ port: 0, dir });
    mailer = createMailer({ smtpUrl: capture.url, from: FROM });
    await mailer.send({ to: APPLICANT, template: 'application-acknowledged', data: CASES[0].data, messageId: 'ack-1@pix.example' });
    await mailer.send({ to: APPLICANT, template: 'application-incomplete', data: CASES[1].data, messageId: 'inc-1@pix.example' });

    const mails = capture.messages();
    expect(mails.map((m) => [m.template, m.subject, m.to, m.messageId])).toEqual([
      ['application-acknowledged', CASES[0].subject, [APPLICANT], '<ack-1@pix.example>'],
      ['application-incomplete', CASES[1].subject, [APPLICANT], '<inc-1@pix.example>'],
    ]);
    expect(mails[0].from).toContain('agrement@pix.example');
    for (const mail of mails) {
      expect(mail.file).toMatch(new RegExp(`^\\d{8}T\\d{9}Z-${mail.id}\\.eml$`));
      expect(fs.readFileSync(path.join(dir, mail.file), 'utf8')).toMatch(/^X-Pix-Template: /m);
    }
    const onDisk = fs
      .readFileSync(path.join(dir, 'index.ndjson'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(onDisk).toEqual(mails);

    const message = capture.readMessage(mails[1].id);
    expect(message?.subject).toBe(CASES[1].subject);
    expect(flat(message?.text ?? '')).toContain('- CV du référent Pix : pièce manquante');
    expect(message?.html).toContain('<html lang="fr"');
    expect(message?.headers['x-pix-template']).toBe('application-incomplete');
    expect(message?.raw).toMatch(/^Message-ID: <inc-1@pix\.example>/m);
    expect(capture.readMessage('../index')).toBeNull();
  });

  it('APP-7: the French index page lists the mails, newest first, escaped, with links', async () => {
    capture = await startMailCapture({ port: 0, dir });
    mailer = createMailer({ smtpUrl: capture.url, from: FROM });
    await mailer.send({ to: OPERATIONS, template: 'application-overdue', data: CASES[6].data, messageId: 'o-1@pix.example' });
    await mailer.send({
      to: APPLICANT,
      template: 'agrement-granted',
      data: { ...base, organisationName: 'Lycée <Pasteur>', years: 2 },
      messageId: 'g-1@pix.example',
    });
    const [overdue, granted] = capture.messages();

    const page = capture.renderIndexHtml();
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain('<h1 style="font-size:22px;color:#253858;">Courriels capturés</h1>');
    expect(page).toContain('2 courriels capturés, du plus récent au plus ancien.');
    expect(page).toContain(`href="/mail/${granted.id}"`);
    expect(page).toContain('Agrément Pix accordé : Lycée &lt;Pasteur&gt;');
    expect(page).not.toContain('Lycée <Pasteur>');
    expect(page.indexOf(granted.id)).toBeLessThan(page.indexOf(overdue.id));

    const custom = capture.renderIndexHtml({ messageHref: (m) => `/dev/mails/${m.id}`, rawHref: (m) => `/dev/mails/${m.id}.eml` });
    expect(custom).toContain(`href="/dev/mails/${overdue.id}"`);
    expect(custom).toContain(`href="/dev/mails/${overdue.id}.eml"`);
  });

  it('APP-7: captured mails survive a restart on the same directory', async () => {
    capture = await startMailCapture({ port: 0, dir });
    mailer = createMailer({ smtpUrl: capture.url, from: FROM });
    await mailer.send({ to: APPLICANT, template: 'attestation-issued', data: CASES[5].data, messageId: 'att-1@pix.example' });
    const [before] = capture.messages();
    mailer.close();
    await capture.close();

    capture = await startMailCapture({ port: 0, dir });
    expect(capture.messages()).toEqual([before]);
    expect(flat(capture.readMessage(before.id)?.text ?? '')).toContain("Terme de l'agrément : 29 février 2028.");
  });

  it('APP-7: after a restart, an index of an earlier version (index.json) is read, and a line cut by a crash is skipped', async () => {
    capture = await startMailCapture({ port: 0, dir });
    mailer = createMailer({ smtpUrl: capture.url, from: FROM });
    await mailer.send({ to: APPLICANT, template: 'attestation-issued', data: CASES[5].data, messageId: 'old-1@pix.example' });
    await mailer.send({ to: APPLICANT, template: 'attestation-issued', data: CASES[5].data, messageId: 'new-1@pix.example' });
    const [old, recent] = capture.messages();
    mailer.close();
    await capture.close();
    // The first mail as the former whole-array index held it, the second appended, then a line a killed process cut.
    fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify([old], null, 2));
    fs.writeFileSync(path.join(dir, 'index.ndjson'), `${JSON.stringify(recent)}\n{"id":"cut`);

    capture = await startMailCapture({ port: 0, dir });
    expect(capture.messages()).toEqual([old, recent]);
    expect(capture.readMessage(old!.id)?.subject).toBe(old!.subject);
  });
});
