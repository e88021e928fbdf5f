import { Controller, Get, Header, NotFoundException, Param, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { ApiExcludeController } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { findProjectRoot } from '../mail/infra/templates';
import { Public } from './auth';

/** Where `npm run build` puts the web app (web/vite.config.ts): index.html and its hashed files under assets/. */
export const WEB_APP_DIR = path.join(findProjectRoot(), 'dist', 'web');
/** The prefix the built page loads its files from (Vite's `base`, then `assets/`). */
export const WEB_ASSETS_PREFIX = '/web/assets/';

// A Map, not an object: `constructor`, `__proto__` or `toString` are extensions like any other, hence 404.
const TYPES = new Map<string, string>([
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.woff2', 'font/woff2'],
  ['.woff', 'font/woff'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.ico', 'image/x-icon'],
]);
/** One file name, no folder: letters, digits, `.`, `_`, `-`, not starting with a dot (so never `..`). */
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}$/;

/**
 * The web app (issue 14, French): a React page built by Vite into dist/web, over the same API. index.html at /
 * (revalidated each time: it names the build's files); the files it loads under /web/assets/, named by their
 * content's hash, hence cached for good (immutable). Anything else: 404.
 */
@ApiExcludeController()
@Public()
@Controller()
export class WebController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  index(@Res({ passthrough: true }) res: Response): string {
    let html: string;
    try {
      html = readFileSync(path.join(WEB_APP_DIR, 'index.html'), 'utf8');
    } catch {
      throw new NotFoundException('The web app is not built: run `npm run build`');
    }
    // Revalidated by its ETag (304 when unchanged); the API's answers carry none (no-store: createApp).
    res.setHeader('ETag', `"${createHash('sha256').update(html).digest('base64url')}"`);
    return html;
  }

  @Get('web/assets/:file')
  asset(@Param('file') file: string, @Res({ passthrough: true }) res: Response): StreamableFile {
    const type = TYPES.get(path.extname(file));
    if (!type || !FILE_NAME.test(file)) throw new NotFoundException();
    const full = path.join(WEB_APP_DIR, 'assets', file);
    if (!statSync(full, { throwIfNoEntry: false })?.isFile()) throw new NotFoundException();
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    return new StreamableFile(createReadStream(full));
  }
}
