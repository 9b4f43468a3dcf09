import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { ProblemException } from '@app/platform';
import { parseToken, secretMatches } from './credentials';

/** Who is calling: the partner a credential belongs to, with its registry roles. */
export interface Principal {
  gln: string;
  roles: string[];
  credentialId: string;
}

export const isRegulator = (who: Pick<Principal, 'roles'>): boolean => who.roles.includes('regulator');

/** Resolved credentials are reused this long: a revoked credential stops working within it. */
const CACHE_MS = 2000;

/** Resolves `Authorization: Bearer dscsa_…` partner credentials to the partner they were issued to. */
@Injectable()
export class PartnerAuthenticator {
  private readonly cache = new Map<string, { principal: Principal; hash: Buffer; at: number }>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The principal, or a 401 problem. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const header = authorization ?? '';
    const token = parseToken(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (!token) throw new ProblemException(401, 'unauthorized', 'a partner credential (Authorization: Bearer dscsa_…) is required');
    const found = await this.lookup(token.id);
    if (!found || !secretMatches(token.secret, found.hash)) throw new ProblemException(401, 'unauthorized', 'the credential is unknown, expired or revoked');
    return found.principal;
  }

  private async lookup(id: string): Promise<{ principal: Principal; hash: Buffer } | undefined> {
    const cached = this.cache.get(id);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached;
    const [row] = (await this.db.query(
      `SELECT c.gln, c.secret_hash, p.roles FROM ingest.api_credential c JOIN ingest.partner p USING (gln)
       WHERE c.id = $1 AND c.revoked_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > now())`,
      [id],
    )) as { gln: string; secret_hash: Buffer; roles: string[] }[];
    if (!row) return undefined;
    const entry = { principal: { gln: row.gln.trim(), roles: row.roles, credentialId: id }, hash: row.secret_hash, at: Date.now() };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(id, entry);
    return entry;
  }
}

/** Lets a request through only with a valid partner credential; the principal is put on the request. */
@Injectable()
export class PartnerAuthGuard implements CanActivate {
  constructor(private readonly partners: PartnerAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    req.principal = await this.partners.authenticate(req.headers.authorization);
    return true;
  }
}

/** The authenticated partner, in a handler behind PartnerAuthGuard. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest<{ principal: Principal }>().principal);
