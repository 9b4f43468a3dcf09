import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { contentSecurityPolicy, findPublicDir, listAssets, packageDir, pageHeaders, readIndex, readPage, SOURCE_PUBLIC_DIR } from './console-assets';

const REPO = resolve(__dirname, '../../../..');

describe('console assets', () => {
  it('finds public/ beside the module when running from the source tree', () => {
    expect(findPublicDir(__dirname)).toBe(join(__dirname, 'public'));
  });

  it('finds the source tree from a compiled module in dist/ that has no copy of the static files', () => {
    const repo = mkdtempSync(join(tmpdir(), 'console-repo-'));
    mkdirSync(join(repo, SOURCE_PUBLIC_DIR), { recursive: true });
    writeFileSync(join(repo, SOURCE_PUBLIC_DIR, 'index.html'), '<!doctype html>');
    mkdirSync(join(repo, 'dist/apps/verify/src/console'), { recursive: true });
    expect(findPublicDir(join(repo, 'dist/apps/verify/src/console'))).toBe(join(repo, SOURCE_PUBLIC_DIR));
  });

  it('prefers a copy beside the compiled module, and finds nothing where there is neither', () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-assets-'));
    expect(findPublicDir(dir)).toBeUndefined();
    mkdirSync(join(dir, 'public'));
    writeFileSync(join(dir, 'public/index.html'), '<!doctype html>');
    expect(findPublicDir(dir)).toBe(join(dir, 'public'));
  });

  it('serves only known file types at the top level, no dotfiles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-assets-'));
    for (const name of ['index.html', 'app.js', 'style.css', '.secret.js', 'notes.txt', 'server.ts']) writeFileSync(join(dir, name), '');
    mkdirSync(join(dir, 'sub.js'));
    expect([...listAssets(dir).keys()].sort()).toEqual(['app.js', 'index.html', 'style.css']);
    expect([...listAssets(join(__dirname, 'public')).keys()].sort()).toEqual([
      'api.js',
      'app.js',
      'console.css',
      'ed25519.js',
      'index.html',
      'ledger-verify.js',
      'ledger.html',
      'ledger.js',
      'regulator.html',
      'regulator.js',
      'scan-input.js',
      'ui.js',
    ]);
  });

  it("allows exactly index.html's inline import map by its hash, and nothing but this origin", () => {
    const html = readIndex(join(__dirname, 'public'));
    const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)![1];
    expect(JSON.parse(map).imports['@noble/hashes/']).toBe('./vendor/noble-hashes/');
    const csp = contentSecurityPolicy(html);
    expect(csp).toContain(`script-src 'self' 'sha256-${createHash('sha256').update(map).digest('base64')}'`);
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toMatch(/unsafe|https?:/);
    expect(html).not.toMatch(/<script(?![^>]*(type="importmap"|src=))/); // no other inline script
  });

  it.each(['index.html', 'regulator.html', 'ledger.html'])('gives %s a CSP of its own: no inline code or style, nothing from elsewhere', (page) => {
    const html = readPage(join(__dirname, 'public'), page);
    const headers = pageHeaders(html);
    const maps = [...html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
    expect(headers['Content-Security-Policy']).toContain(`script-src 'self'${maps.map((h) => ` ${h}`).join('')};`);
    expect(headers['Content-Security-Policy']).not.toMatch(/unsafe|https?:/);
    expect(headers).toMatchObject({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-cache' });
    expect(html).not.toMatch(/<script(?![^>]*(type="importmap"|src=))/);
    expect(html).not.toMatch(/\son[a-z]+=|style=|<style|https?:\/\//i); // no inline handlers or styles, no other origin
    expect(html).toMatch(/<nav class="nav" aria-label="Console pages">/);
    expect(html).toContain(`href="${page === 'index.html' ? './' : page}" aria-current="page"`);
  });

  it('locates the @noble ES module builds the fallback serves', () => {
    expect(packageDir('@noble/curves/ed25519')).toBe(join(REPO, 'node_modules/@noble/curves'));
    expect(packageDir('@noble/no-such-package')).toBeUndefined();
  });
});
