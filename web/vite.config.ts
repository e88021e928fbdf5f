import react from '@vitejs/plugin-react';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const BASE = '/web/';

/**
 * The design system's stylesheet draws a few icons as data: URIs (select arrows, checkboxes…); the page's CSP
 * allows images from its own origin only (img-src 'self'): each becomes a file of its own, named by its hash.
 */
function dataUrisToFiles(): Plugin {
  const decode = (uri: string): Buffer => {
    const comma = uri.indexOf(',');
    const meta = uri.slice(0, comma);
    const body = uri.slice(comma + 1);
    if (meta.endsWith(';base64')) return Buffer.from(body, 'base64');
    try {
      return Buffer.from(decodeURIComponent(body), 'utf8');
    } catch {
      return Buffer.from(body, 'utf8');
    }
  };
  return {
    name: 'data-uris-to-files',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'asset' || !file.fileName.endsWith('.css')) continue;
        file.source = String(file.source).replace(
          /url\((?:"(data:image\/svg\+xml(?:[^"\\]|\\.)*)"|'(data:image\/svg\+xml(?:[^'\\]|\\.)*)')\)/g,
          (_match, doubleQuoted?: string, singleQuoted?: string) => {
            const reference = this.emitFile({
              type: 'asset',
              name: 'icon.svg',
              source: decode((doubleQuoted ?? singleQuoted)!.replace(/\\(.)/g, '$1')),
            });
            return `url("${BASE}${this.getFileName(reference)}")`;
          },
        );
      }
    },
  };
}

/**
 * The operations web app (issue 14), built by `npm run build` into dist/web: index.html (served at /) and
 * hashed files under /web/assets/ (served immutable), all from the API's origin, under its CSP
 * (src/http/security/http-headers.ts): no inline script, no data: URI, nothing from elsewhere.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: BASE,
  plugins: [react(), dataUrisToFiles()],
  build: {
    outDir: path.join(import.meta.dirname, '..', 'dist', 'web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Never inline a font or an icon as a data: URI (the CSP's img-src and font-src are 'self').
    assetsInlineLimit: 0,
    // The design system's stylesheet and Chart.js are big, by design: one visit loads them once (immutable).
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
    // esbuild's minifier (the project's esbuild): Vite 8's default one broke React effects' clean-ups here ("n is not a function").
    minify: 'esbuild',
  },
});
