import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { ProblemException } from '@app/platform';
import { CurrentPrincipal, isRegulator, PartnerAuthGuard, type Principal } from '@app/registry';
import { AccessLog, type AccessLogRow } from './access-log.service';

/**
 * The access log, for those it concerns: regulators read all of it; a partner reads its own reads and the reads
 * of data about its own products (GTINs under its company prefixes, the longest registered prefix deciding).
 */
@ApiTags('access')
@ApiBearerAuth()
@UseGuards(PartnerAuthGuard)
@Controller('access-log')
export class AccessLogController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly accessLog: AccessLog,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Reads of custody data, newest first; each entry is also a leaf of the ledger (GET /proofs/inclusion?entryId= on the ledger)' })
  @ApiQuery({ name: 'gtin', required: false })
  @ApiQuery({ name: 'actor', required: false, description: 'GLN of the partner who read' })
  @ApiQuery({ name: 'before', required: false, description: 'page: the id of the last entry of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 1000, default 100' })
  async list(
    @CurrentPrincipal() who: Principal,
    @Query('gtin') gtin: string | undefined,
    @Query('actor') actor: string | undefined,
    @Query('before') before: string | undefined,
    @Query('limit') limit: string | undefined,
    @Req() req: Request,
  ) {
    const params: unknown[] = [];
    const bind = (v: unknown) => `$${params.push(v)}`;
    const where: string[] = [];
    if (gtin !== undefined) {
      if (!/^\d{14}$/.test(gtin)) throw new ProblemException(400, 'invalid-query', 'gtin must be 14 digits');
      where.push(`a.gtin = ${bind(gtin)}`);
    }
    if (actor !== undefined) where.push(`a.actor = ${bind(actor)}`);
    if (before !== undefined) {
      if (!/^\d{1,18}$/.test(before)) throw new ProblemException(400, 'invalid-query', 'before must be an entry id');
      where.push(`a.id < ${bind(before)}`);
    }
    const size = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(size) || size < 1 || size > 1000) throw new ProblemException(400, 'invalid-query', 'limit must be an integer from 1 to 1000');
    if (!isRegulator(who)) {
      const me = bind(who.gln);
      where.push(`(a.actor = ${me} OR EXISTS (
        SELECT 1 FROM ingest.company_prefix p WHERE p.gln = ${me} AND substring(a.gtin from 2) LIKE p.prefix || '%'
          AND NOT EXISTS (SELECT 1 FROM ingest.company_prefix q
            WHERE length(q.prefix) > length(p.prefix) AND substring(a.gtin from 2) LIKE q.prefix || '%' AND q.gln <> ${me})))`);
    }
    const rows = (await this.db.query(
      `SELECT a.id, a.entry_id, a.at, a.actor, a.action, a.subject, a.gtin, a.outcome, a.detail, a.published_at FROM verify.access_log a
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT ${bind(size)}`,
      params,
    )) as AccessLogRow[];
    await this.accessLog.record({ actor: who.gln, action: 'access-log', subject: req.originalUrl, outcome: `${rows.length} entries` }, req);
    return rows.map((r) => ({
      id: Number(r.id),
      entryId: r.entry_id,
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      subject: r.subject,
      gtin: r.gtin ?? undefined,
      outcome: r.outcome,
      detail: r.detail,
      sentToLedger: r.published_at !== null,
    }));
  }
}
