import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findProjectRoot } from '../mail/infra/templates';
import { Public } from './auth';

// A Map, not an object: `constructor`, `__proto__` or `toString` are names like any other, hence 404.
const FILES = new Map<string, string>([
  ['app.js', 'application/javascript; charset=utf-8'],
  ['app.css', 'text/css; charset=utf-8'],
]);

/** The operations web page (French), a static page over the same API. */
@ApiExcludeController()
@Public()
@Controller()
export class WebController {
  private readonly dir = path.join(findProjectRoot(), 'web');

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  index(): string {
    return readFileSync(path.join(this.dir, 'index.html'), 'utf8');
  }

  @Get('web/:file')
  asset(@Param('file') file: string, @Res({ passthrough: true }) res: Response): string {
    const type = FILES.get(file);
    if (!type) throw new NotFoundException();
    res.setHeader('Content-Type', type);
    return readFileSync(path.join(this.dir, file), 'utf8');
  }
}
