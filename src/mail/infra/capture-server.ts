/**
 * Embedded SMTP capture, to run the system locally without a real mail server.
 *
 * Listens on 127.0.0.1 only (no auth, no TLS), stores every received message as
 * `<dir>/<timestamp>-<id>.eml`, parses it with mailparser and keeps an index in memory and in
 * `<dir>/index.ndjson`, one line appended per mail (reloaded at start, so captured mails survive a restart; a whole
 * index rewritten at each mail made the demo seed's thousand e-mails quadratic, issue 14). The SMTP reply to
 * DATA is sent only once the message is on disk and indexed: when the sender's `sendMail` resolves,
 * `messages()` already lists it. Parsed bodies are kept in memory (mails indexed by a previous run are
 * parsed again at start), so `readMessage()` is synchronous.
 *
 * The API serves the pages; this module only provides `renderIndexHtml()` and `readMessage()`.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp, existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { formatDateFr } from './templates';

export interface MailCaptureOptions {
  /** 0 picks a free port (see `port` on the result). */
  port: number;
  /** Where .eml files and index.ndjson go; created if missing. */
  dir: string;
  /** Largest accepted message, bytes (default 25 MiB). */
  maxMessageBytes?: number;
  /** Receives SMTP connection errors (default: console.warn). */
  onError?: (error: Error) => void;
}

/** One entry of the index (also the shape of each line of index.ndjson). */
export interface CapturedMail {
  id: string;
  /** File name inside `dir`. */
  file: string;
  /** From header as text, e.g. '"GIP Pix" <agrement@pix.fr>' (envelope sender if no header). */
  from: string;
  /** Envelope recipients (what the server was asked to deliver to, Bcc included). */
  to: string[];
  subject: string;
  /** Date header (ISO), or the reception time if the header is missing or invalid. */
  date: string;
  /** Reception time (ISO). */
  receivedAt: string;
  /** X-Pix-Template header, or null. */
  template: string | null;
  /** Message-ID header, or null. */
  messageId: string | null;
  size: number;
}

export interface CapturedMessage extends CapturedMail {
  html: string | null;
  text: string | null;
  /** Header lines as received (lower-case names; repeated headers keep the first value). */
  headers: Record<string, string>;
  /** Absolute path of the .eml file. */
  path: string;
  /** The raw message source. */
  raw: string;
}

export interface RenderIndexOptions {
  /** Link to one message (default: `/mail/<id>`, the API's route). */
  messageHref?: (mail: CapturedMail) => string;
  /** Link to the raw .eml; no raw link when omitted. */
  rawHref?: (mail: CapturedMail) => string;
  /** Page title (default "Courriels capturés"). */
  title?: string;
}

export interface MailCapture {
  /** The real port (useful with port 0). */
  port: number;
  /** smtp://127.0.0.1:<port> — pass it to createMailer({ smtpUrl }). */
  url: string;
  dir: string;
  /** Captured mails in arrival order (oldest first); a copy. */
  messages(): CapturedMail[];
  /** A French HTML page listing the mails (newest first) with links. */
  renderIndexHtml(options?: RenderIndexOptions): string;
  /** One message (bodies parsed from its .eml); null for an unknown id or a vanished file. */
  readMessage(id: string): CapturedMessage | null;
  /** Stops listening and waits for pending index writes. */
  close(): Promise<void>;
}

const INDEX_FILE = 'index.ndjson';
/** The index as earlier versions wrote it (one JSON array, rewritten at each mail): read once, then appended to. */
const LEGACY_INDEX_FILE = 'index.json';
const HOST = '127.0.0.1';

function isCapturedMail(value: unknown): value is CapturedMail {
  const v = value as Partial<CapturedMail> | null;
  return (
    !!v &&
    typeof v.id === 'string' &&
    typeof v.file === 'string' &&
    typeof v.subject === 'string' &&
    Array.isArray(v.to) &&
    path.basename(v.file) === v.file
  );
}

/** The index on disk: the legacy array, then the appended lines (a line cut by a crash is skipped). */
function loadIndex(dir: string): CapturedMail[] {
  const entries: CapturedMail[] = [];
  const legacy = path.join(dir, LEGACY_INDEX_FILE);
  if (existsSync(legacy)) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(legacy, 'utf8'));
      if (Array.isArray(parsed)) entries.push(...parsed.filter(isCapturedMail));
    } catch {
      // A corrupt index is not worth failing a local run for (the .eml files stay).
    }
  }
  const file = path.join(dir, INDEX_FILE);
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const entry: unknown = JSON.parse(line);
        if (isCapturedMail(entry)) entries.push(entry);
      } catch {
        // The last line of a process killed mid-write.
      }
    }
  }
  return entries;
}

interface ParsedBody {
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
}

function bodyOf(parsed: ParsedMail): ParsedBody {
  const headers: Record<string, string> = {};
  for (const line of parsed.headerLines) {
    if (!(line.key in headers)) headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).trim();
  }
  return { html: typeof parsed.html === 'string' ? parsed.html : null, text: parsed.text ?? null, headers };
}

function addressText(address: AddressObject | AddressObject[] | undefined): string {
  if (!address) return '';
  return (Array.isArray(address) ? address : [address]).map((a) => a.text).join(', ');
}

function headerText(parsed: ParsedMail, name: string): string | null {
  const line = parsed.headerLines.find((h) => h.key === name.toLowerCase());
  if (!line) return null;
  return line.line.slice(line.line.indexOf(':') + 1).trim();
}

function timestampForFile(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('.', '');
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function formatDateTimeFr(iso: string): string {
  try {
    return formatDateFr(iso, { withTime: true });
  } catch {
    return iso;
  }
}

export async function startMailCapture(options: MailCaptureOptions): Promise<MailCapture> {
  const dir = path.resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const onError = options.onError ?? ((error: Error) => console.warn(`[mail-capture] ${error.message}`));
  const index: CapturedMail[] = loadIndex(dir);
  const bodies = new Map<string, ParsedBody>();
  for (const mail of index) {
    try {
      bodies.set(mail.id, bodyOf(await simpleParser(await fsp.readFile(path.join(dir, mail.file)))));
    } catch (error) {
      onError(new Error(`cannot reload captured message ${mail.file}: ${(error as Error).message}`));
    }
  }

  // Index writes are serialised, in arrival order; each appends its mail's line.
  let writes: Promise<void> = Promise.resolve();
  const persistIndex = (entry: CapturedMail): Promise<void> => {
    const line = `${JSON.stringify(entry)}\n`;
    writes = writes.then(() => fsp.appendFile(path.join(dir, INDEX_FILE), line, 'utf8'));
    return writes;
  };

  async function store(raw: Buffer, session: SMTPServerSession): Promise<void> {
    const received = new Date();
    const id = randomBytes(6).toString('hex');
    const file = `${timestampForFile(received)}-${id}.eml`;
    await fsp.writeFile(path.join(dir, file), raw);

    const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const to = session.envelope.rcptTo.map((r) => r.address);
    let entry: CapturedMail;
    try {
      const parsed = await simpleParser(raw);
      bodies.set(id, bodyOf(parsed));
      const date = parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : received;
      entry = {
        id,
        file,
        from: addressText(parsed.from) || envelopeFrom,
        to,
        subject: parsed.subject ?? '',
        date: date.toISOString(),
        receivedAt: received.toISOString(),
        template: headerText(parsed, 'x-pix-template'),
        messageId: parsed.messageId ?? null,
        size: raw.length,
      };
    } catch (error) {
      onError(new Error(`cannot parse message ${file}: ${(error as Error).message}`));
      entry = {
        id,
        file,
        from: envelopeFrom,
        to,
        subject: '(message illisible)',
        date: received.toISOString(),
        receivedAt: received.toISOString(),
        template: null,
        messageId: null,
        size: raw.length,
      };
    }
    index.push(entry);
    await persistIndex(entry);
  }

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    secure: false,
    logger: false,
    banner: 'Pix agrément — capture locale des courriels',
    size: options.maxMessageBytes ?? 25 * 1024 * 1024,
    closeTimeout: 2_000,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error: Error) => callback(error));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          const error = new Error('Message exceeds the maximum size') as Error & { responseCode?: number };
          error.responseCode = 552;
          callback(error);
          return;
        }
        store(Buffer.concat(chunks), session).then(
          () => callback(),
          (error: Error) => {
            onError(error);
            const failure = new Error(`Capture failed: ${error.message}`) as Error & { responseCode?: number };
            failure.responseCode = 451;
            callback(failure);
          },
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    server.once('error', failed);
    server.listen(options.port, HOST, () => {
      server.removeListener('error', failed);
      resolve();
    });
  });
  server.on('error', (error: Error) => onError(error));
  const port = (server.server.address() as AddressInfo).port;

  function find(id: string): CapturedMail | undefined {
    return index.find((mail) => mail.id === id);
  }

  return {
    port,
    url: `smtp://${HOST}:${port}`,
    dir,

    messages(): CapturedMail[] {
      return index.map((mail) => ({ ...mail, to: [...mail.to] }));
    },

    renderIndexHtml(render: RenderIndexOptions = {}): string {
      const messageHref = render.messageHref ?? ((mail: CapturedMail) => `/mail/${encodeURIComponent(mail.id)}`);
      const title = render.title ?? 'Courriels capturés';
      const mails = [...index].reverse();
      const rows = mails
        .map((mail) => {
          const raw = render.rawHref ? ` <a href="${escapeHtml(render.rawHref(mail))}" style="color:#1d5bbf;">(source .eml)</a>` : '';
          return [
            '<tr>',
            `<td style="padding:6px 10px;border:1px solid #d8dbe0;white-space:nowrap;"><time datetime="${escapeHtml(mail.date)}">${escapeHtml(formatDateTimeFr(mail.date))}</time></td>`,
            `<td style="padding:6px 10px;border:1px solid #d8dbe0;">${escapeHtml(mail.from)}</td>`,
            `<td style="padding:6px 10px;border:1px solid #d8dbe0;">${escapeHtml(mail.to.join(', '))}</td>`,
            `<td style="padding:6px 10px;border:1px solid #d8dbe0;"><a href="${escapeHtml(messageHref(mail))}" style="color:#1d5bbf;">${escapeHtml(mail.subject || '(sans objet)')}</a>${raw}</td>`,
            `<td style="padding:6px 10px;border:1px solid #d8dbe0;"><code>${escapeHtml(mail.template ?? '—')}</code></td>`,
            '</tr>',
          ].join('');
        })
        .join('\n');
      const count = index.length;
      const summary =
        count === 0
          ? 'Aucun courriel capturé pour le moment.'
          : `${count} courriel${count > 1 ? 's' : ''} capturé${count > 1 ? 's' : ''}, du plus récent au plus ancien.`;
      const table =
        count === 0
          ? ''
          : [
              '<table style="border-collapse:collapse;width:100%;font-size:14px;">',
              '<caption style="text-align:left;padding:0 0 8px 0;font-weight:bold;">Liste des courriels capturés</caption>',
              '<thead><tr>',
              ...['Date', 'Expéditeur', 'Destinataires', 'Objet', 'Modèle'].map(
                (h) => `<th scope="col" style="padding:6px 10px;border:1px solid #d8dbe0;text-align:left;background:#f4f5f7;">${h}</th>`,
              ),
              '</tr></thead>',
              `<tbody>\n${rows}\n</tbody>`,
              '</table>',
            ].join('\n');
      return [
        '<!DOCTYPE html>',
        '<html lang="fr">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        `<title>${escapeHtml(title)}</title></head>`,
        '<body style="margin:0;padding:24px;font-family:Arial,Helvetica,sans-serif;color:#1f2933;">',
        '<main>',
        `<h1 style="font-size:22px;color:#253858;">${escapeHtml(title)}</h1>`,
        `<p>${summary} Serveur SMTP local&nbsp;: <code>${escapeHtml(`smtp://${HOST}:${port}`)}</code>.</p>`,
        table,
        '</main>',
        '</body>',
        '</html>',
        '',
      ].join('\n');
    },

    readMessage(id: string): CapturedMessage | null {
      const mail = find(id);
      if (!mail) return null;
      const file = path.join(dir, mail.file);
      let raw: string;
      try {
        raw = readFileSync(file, 'utf8');
      } catch {
        return null;
      }
      const body = bodies.get(id) ?? { html: null, text: null, headers: {} };
      return { ...mail, to: [...mail.to], html: body.html, text: body.text, headers: { ...body.headers }, path: file, raw };
    },

    async close(): Promise<void> {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await writes.catch(() => undefined);
    },
  };
}
