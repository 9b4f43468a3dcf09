import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

/**
 * Where the console's static files are. `tsc` does not copy them into dist/, so the server looks, in order, for
 * `public/` next to this module (ts-jest and ts-node run from the source tree; a build step may also copy them to
 * dist/apps/verify/src/console/public) and for `apps/verify/src/console/public` under each ancestor directory, which
 * finds the source tree from dist/apps/verify/src/console as well. Undefined when neither exists (e.g. an image
 * that holds only dist/): the console then answers 404 and the rest of the app runs as usual.
 */
export const SOURCE_PUBLIC_DIR = join('apps', 'verify', 'src', 'console', 'public');

export function findPublicDir(from: string = __dirname): string | undefined {
  const candidates = [join(from, 'public')];
  for (let dir = from; ; dir = dirname(dir)) {
    candidates.push(join(dir, SOURCE_PUBLIC_DIR));
    if (dirname(dir) === dir) break;
  }
  return candidates.find((c) => existsSync(join(c, 'index.html')));
}

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/** The servable files of a directory, by name: regular files with a known type, no dotfiles, no subdirectories. */
export function listAssets(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!name.startsWith('.') && CONTENT_TYPES[extname(name)] && statSync(path).isFile()) files.set(name, path);
  }
  return files;
}

/** The package directory of an installed module (its exports map hides package.json, so resolve a known entry). */
export function packageDir(entry: string, levels = 1): string | undefined {
  try {
    let dir = dirname(require.resolve(entry));
    for (let i = 1; i < levels; i++) dir = dirname(dir);
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * The Content-Security-Policy of a console page: everything from this origin only (no CDN, no inline code), except
 * the page's inline import map, allowed by its hash. Browsers need the map for the @noble fallback modules.
 */
export function contentSecurityPolicy(indexHtml: string): string {
  const hashes = [...indexHtml.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function readIndex(dir: string): string {
  return readPage(dir, 'index.html');
}

/** An HTML page of the console, read afresh (it is served with a CSP computed from its text). */
export function readPage(dir: string, name: string): string {
  return readFileSync(join(dir, name), 'utf8');
}

/** Headers of every console page: its own CSP, revalidated on each load, no sniffing, no referrer to other sites. */
export function pageHeaders(html: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(html),
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}
