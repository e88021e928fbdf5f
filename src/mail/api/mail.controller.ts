import { Controller, Get, Header, Inject, NotFoundException, Optional, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { MailCapture } from '../infra/capture-server';
import { Can } from '../../http/auth/decorators';
import { MAIL_CAPTURE } from '../../http/tokens';

/**
 * The captured mail of a local run (no SMTP_URL): what the engine would have sent. It holds every
 * e-mail, an unannounced visit's notice to an inspector included: Pix operations only (bearer token).
 * Registered only when the capture runs (see AppModule): with a real SMTP_URL, /mail does not exist (404).
 */
@ApiExcludeController()
@Can('mail.read')
@Controller('mail')
export class MailController {
  constructor(@Optional() @Inject(MAIL_CAPTURE) private readonly capture?: MailCapture) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  index(): string {
    if (!this.capture) throw new NotFoundException('mail capture is off: mail goes to SMTP_URL');
    return this.capture.renderIndexHtml();
  }

  @Get('messages.json')
  list() {
    if (!this.capture) throw new NotFoundException('mail capture is off: mail goes to SMTP_URL');
    return this.capture.messages();
  }

  @Get(':id')
  @Header('Content-Type', 'text/html; charset=utf-8')
  one(@Param('id') id: string): string {
    if (!this.capture) throw new NotFoundException('mail capture is off: mail goes to SMTP_URL');
    const message = this.capture.readMessage(id);
    if (!message) throw new NotFoundException(`no captured message ${id}`);
    return message.html ?? `<pre>${escapeHtml(message.text ?? '')}</pre>`;
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
