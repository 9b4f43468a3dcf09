import { Controller, Get, Logger, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { ProblemException } from '@app/platform';
import { CurrentPrincipal, PartnerAuthGuard, type Principal } from '@app/registry';
import { CONTENT_TYPES, findPublicDir, listAssets, packageDir, pageHeaders, readPage } from './console-assets';

/** ES module builds of @noble, served only for browsers without WebCrypto Ed25519 (see public/ed25519.js). */
const VENDOR: Readonly<Record<string, string | undefined>> = {
  'noble-curves': packageDir('@noble/curves/ed25519') && join(packageDir('@noble/curves/ed25519')!, 'esm'),
  'noble-hashes': packageDir('@noble/hashes/sha2') && join(packageDir('@noble/hashes/sha2')!, 'esm'),
};
const VENDOR_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
const GLN = /^\d{13}$/;
const KID = /^[\x21-\x7e]{1,200}$/;

/**
 * The web console at /console/: static HTML, CSS and ES modules (no framework, nothing from a CDN), its
 * configuration (the ledger's verifier key, the trust anchor of the in-browser checks), partner names and witness
 * keys. Pages: the pharmacist's package check (index.html: POST /scan, then the ledger's signed checkpoint and every
 * inclusion proof checked in the browser), investigations (regulator.html) and the ledger (ledger.html). Custody
 * data is read with the partner credential the user signs in with; each page has its own strict CSP.
 */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  private readonly logger = new Logger('Console');
  private readonly dir = findPublicDir();
  private readonly assets = this.dir ? listAssets(this.dir) : new Map<string, string>();

  constructor(
    private readonly config: ConfigService,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    if (!this.dir) this.logger.warn(`console assets not found (looked for public/ beside ${__dirname} and ${'apps/verify/src/console/public'} above it)`);
  }

  @Get()
  index(@Req() req: Request, @Res() res: Response): void {
    // Relative URLs in the page need the trailing slash; a relative Location keeps any path prefix of a reverse proxy.
    if (!req.path.endsWith('/')) return res.redirect(301, `console/${req.url.slice(req.path.length)}`);
    this.page('index.html', res);
  }

  /** Who the caller's partner credential belongs to: the sign-in panel checks a pasted token with this. */
  @Get('session')
  @UseGuards(PartnerAuthGuard)
  async session(@CurrentPrincipal() who: Principal, @Res({ passthrough: true }) res: Response) {
    const [row] = (await this.db.query('SELECT name FROM ingest.partner WHERE gln = $1', [who.gln])) as { name: string }[];
    res.set('Cache-Control', 'no-store');
    return { gln: who.gln, name: row?.name ?? null, roles: who.roles };
  }

  /**
   * Public keys of witnesses (registered EdDSA partner keys valid now, by key name), for the ledger page to verify
   * checkpoint cosignatures itself. Public like the registry: a key says nothing about custody.
   */
  @Get('witnesses')
  async witnesses(@Query('kid') kid: string | string[] | undefined) {
    const kids = [...new Set([kid ?? []].flat())];
    if (kids.length > 100 || !kids.every((k) => typeof k === 'string' && KID.test(k))) throw new ProblemException(400, 'invalid-parameter', 'kid: up to 100 key names');
    if (!kids.length) return { witnesses: [] };
    const rows = (await this.db.query(
      `SELECT k.kid, k.gln, p.name, k.public_jwk FROM ingest.partner_key k JOIN ingest.partner p USING (gln)
       WHERE k.kid = ANY($1) AND k.alg = 'EdDSA' AND k.valid_from <= now() AND (k.valid_until IS NULL OR k.valid_until > now())
         AND (k.revoked_at IS NULL OR k.revoked_at > now())
       ORDER BY k.kid`,
      [kids],
    )) as { kid: string; gln: string; name: string; public_jwk: { x?: unknown } }[];
    return {
      witnesses: rows
        .filter((r) => typeof r.public_jwk?.x === 'string')
        .map((r) => ({ kid: r.kid, gln: r.gln.trim(), name: r.name, publicKey: Buffer.from(r.public_jwk.x as string, 'base64url').toString('base64') })),
    };
  }

  /** The trust anchor of the page's checks comes from this app's configuration, never from the ledger it checks. */
  @Get('config.json')
  configuration(@Res() res: Response): void {
    const vkey = this.config.get<string>('LEDGER_VKEY') || null;
    res.set('Cache-Control', 'no-store').json({
      ledgerVkey: vkey,
      ledgerOrigin: vkey ? vkey.slice(0, vkey.indexOf('+')) : null,
      ledgerPublicUrl: this.config.get<string>('LEDGER_PUBLIC_URL') || null,
    });
  }

  /** Registry names of trading partners and locations, for the custody timeline (the registry is public at ingest too). */
  @Get('parties')
  async parties(@Query('gln') gln: string | undefined) {
    const glns = [...new Set((gln ?? '').split(',').filter((g) => g !== ''))];
    if (glns.length > 200 || !glns.every((g) => GLN.test(g))) throw new ProblemException(400, 'invalid-parameter', 'gln: up to 200 comma-separated 13-digit GLNs');
    if (!glns.length) return { parties: [] };
    const rows = (await this.db.query('SELECT gln, name FROM ingest.partner WHERE gln = ANY($1) ORDER BY gln', [glns])) as { gln: string; name: string }[];
    return { parties: rows.map((r) => ({ gln: r.gln.trim(), name: r.name })) };
  }

  @Get('vendor/:pkg/*path')
  vendor(@Param('pkg') pkg: string, @Param('path') path: string | string[], @Res() res: Response): void {
    const root = Object.hasOwn(VENDOR, pkg) ? VENDOR[pkg] : undefined;
    const segments = Array.isArray(path) ? path : path.split('/');
    if (!root || !segments.every((s) => VENDOR_SEGMENT.test(s)) || extname(segments[segments.length - 1]) !== '.js') throw notFound();
    const file = segments.join('/');
    if (!existsSync(join(root, file))) throw notFound();
    res.set({ 'Cache-Control': 'public, max-age=86400', 'X-Content-Type-Options': 'nosniff' });
    res.type(CONTENT_TYPES['.js']).sendFile(file, { root, dotfiles: 'deny' }, sent(res));
  }

  @Get(':file')
  asset(@Param('file') name: string, @Res() res: Response): void {
    if (name === 'index.html') return res.redirect(301, './');
    const file = this.assets.get(name);
    if (!file) throw notFound();
    if (extname(name) === '.html') return this.page(name, res);
    res.set({ 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    res.type(CONTENT_TYPES[extname(name)]).sendFile(file, sent(res));
  }

  /** An HTML page, with the CSP that allows exactly its own inline import map. */
  private page(name: string, res: Response): void {
    let html: string | undefined;
    try {
      html = this.dir && this.assets.has(name) ? readPage(this.dir, name) : undefined;
    } catch {
      html = undefined; // removed since start
    }
    if (html === undefined) throw notFound();
    res.set(pageHeaders(html));
    res.type('html').send(html);
  }
}

/** sendFile reports a file that vanished or cannot be read to its callback, outside Nest's exception filters. */
function sent(res: Response) {
  return (err?: Error) => {
    if (err && !res.headersSent)
      res.status(404).type('application/problem+json').send(JSON.stringify({ ...(notFound().getResponse() as object), instance: res.req.originalUrl }));
  };
}

function notFound(): ProblemException {
  return new ProblemException(404, 'not-found', 'no such console file');
}
